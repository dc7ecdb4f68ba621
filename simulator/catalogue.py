"""The fixed cast of the simulated world: agents, customers, products, people, keys and workflows.

Everything here is static data with stable ids, so a name always maps to the same id whatever the seed.
The seed only decides what happens (``world.py``). Ids of catalogue entities are Revenium-style hashids
derived from the name (``ids.name_hashid``).

Shares are chosen so the world looks like a mid-size B2B SaaS running AI features for its customers:

* one customer (acme-corp) is a quarter of the traffic, the long tail is small;
* production dominates (88%), staging and development are the rest;
* each agent prefers a few models, so cost by agent is far from uniform (code-reviewer on Sonnet/Opus
  costs far more per call than guardrail-checker on Llama 8B);
* which product a trace belongs to follows from its workflow (support tickets come from support-copilot).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.ids import name_hashid
from simulator.prices import MODEL_BY_NAME


@dataclass(frozen=True)
class Agent:
    name: str
    task_type: str  # Revenium taskType / Helicone TaskType property
    operation_type: str  # Revenium operationType enum value
    models: tuple[tuple[str, float], ...]  # preferred models and their weights
    input_median: float  # median prompt size (tokens, cache included) of a first call in a trace
    output_median: float  # median visible output tokens
    streamed_share: float  # share of calls made with streaming on


@dataclass(frozen=True)
class Organization:
    name: str  # Revenium organization label, Helicone Customer property, orq identity
    domain: str  # subscribers' e-mail domain
    share: float  # share of traces
    home_region: str
    people: tuple[str, ...]  # subscribers, "first.last"

    @property
    def id(self) -> str:
        return name_hashid("org:" + self.name)


@dataclass(frozen=True)
class Product:
    name: str  # Revenium product label, Helicone Product property, orq project

    @property
    def id(self) -> str:
        return name_hashid("product:" + self.name)


@dataclass(frozen=True)
class Subscriber:
    email: str
    organization: int  # index into ORGANIZATIONS

    @property
    def id(self) -> str:
        return name_hashid("subscriber:" + self.email)


@dataclass(frozen=True)
class Credential:
    """An API key alias a subscriber organisation meters with: one per (organization, environment)."""

    label: str
    organization: int
    environment: int

    @property
    def id(self) -> str:
        return name_hashid("credential:" + self.label)


@dataclass(frozen=True)
class TraceType:
    """A workflow: how its traces are shaped and which agents take part."""

    name: str  # Revenium traceType
    names: tuple[str, ...]  # trace names (Revenium traceName, Helicone-Session-Name)
    share: float  # share of traces
    product: str
    root_agent: str
    child_agents: tuple[tuple[str, float], ...]
    sizes: tuple[float, ...]  # P(trace has 1, 2, ... 8 calls)
    shapes: tuple[float, float, float]  # P(chain), P(fan-out), P(tree)
    loop_pair: tuple[str, str] | None = None  # two agents that may ping-pong (A -> B -> A ...)
    loop_share: float = 0.0  # share of chain traces that ping-pong
    squad: str | None = None  # squad that runs this workflow, if any
    squad_share: float = 0.0
    job_type: str | None = None  # agentic job type this workflow serves, if any
    job_share: float = 0.0


AGENTS: tuple[Agent, ...] = (
    Agent(
        "orchestrator", "routing", "CHAT",
        (("gpt-4.1", 0.4), ("claude-sonnet-4", 0.3), ("o4-mini", 0.2), ("gemini-2.5-flash", 0.1)),
        2500, 300, 0.3,
    ),
    Agent(
        "support-triage", "classification", "CLASSIFY",
        (("gpt-4o-mini", 0.5), ("claude-3-5-haiku", 0.3), ("gemini-2.5-flash", 0.2)),
        1200, 120, 0.2,
    ),
    Agent(
        "billing-assistant", "customer-support", "CHAT",
        (("gpt-4o", 0.5), ("claude-sonnet-4", 0.3), ("mistral-large", 0.2)),
        3000, 400, 0.9,
    ),
    Agent(
        "code-reviewer", "code-review", "CHAT",
        (("claude-sonnet-4", 0.45), ("gpt-4.1", 0.25), ("o3", 0.15), ("claude-opus-4", 0.1),
         ("deepseek-reasoner", 0.05)),
        9000, 900, 0.7,
    ),
    Agent(
        "research-planner", "planning", "GENERATE",
        (("o3", 0.35), ("gemini-2.5-pro", 0.35), ("claude-opus-4", 0.15), ("deepseek-reasoner", 0.15)),
        4000, 1200, 0.5,
    ),
    Agent(
        "research-writer", "writing", "GENERATE",
        (("claude-sonnet-4", 0.4), ("claude-opus-4", 0.3), ("gpt-4o", 0.2), ("command-r-plus", 0.1)),
        7000, 2000, 0.9,
    ),
    Agent(
        "sql-analyst", "sql-generation", "GENERATE",
        (("gpt-4.1", 0.4), ("deepseek-chat", 0.3), ("o4-mini", 0.2), ("llama-3.3-70b-versatile", 0.1)),
        5000, 350, 0.4,
    ),
    Agent(
        "sales-qualifier", "qualification", "CLASSIFY",
        (("gpt-4o-mini", 0.4), ("command-r", 0.3), ("mistral-small", 0.3)),
        1800, 200, 0.3,
    ),
    Agent(
        "doc-summarizer", "summarization", "SUMMARIZE",
        (("gemini-2.5-flash", 0.4), ("claude-3-5-haiku", 0.3), ("gpt-4o-mini", 0.2),
         ("llama-3.1-8b-instant", 0.1)),
        12000, 500, 0.6,
    ),
    Agent(
        "translator", "translation", "TRANSLATE",
        (("mistral-large", 0.3), ("gpt-4o", 0.3), ("deepseek-chat", 0.2), ("mistral-small", 0.2)),
        1500, 1400, 0.8,
    ),
    Agent(
        "guardrail-checker", "moderation", "GUARDRAIL",
        (("llama-3.1-8b-instant", 0.5), ("gpt-4o-mini", 0.3), ("llama-3.3-70b-versatile", 0.2)),
        800, 20, 0.0,
    ),
)  # fmt: skip

PRODUCTS: tuple[Product, ...] = (
    Product("support-copilot"),
    Product("code-assist"),
    Product("insights-studio"),
    Product("sales-pilot"),
    Product("docs-ai"),
)

ENVIRONMENTS: tuple[tuple[str, float], ...] = (("production", 0.88), ("staging", 0.09), ("development", 0.03))
ENV_SHORT = {"production": "prod", "staging": "stg", "development": "dev"}

# Revenium region (cloud region of the caller) and the ISO country Helicone would geolocate it to.
REGIONS: tuple[tuple[str, str], ...] = (("us-east-1", "US"), ("eu-west-1", "IE"), ("ap-southeast-1", "SG"))

ORGANIZATIONS: tuple[Organization, ...] = (
    Organization("acme-corp", "acme-corp.com", 0.25, "us-east-1",
                 ("maria.lopez", "james.chen", "priya.patel", "tom.baker", "sofia.rossi", "li.wei")),
    Organization("globex", "globex.io", 0.20, "us-east-1",
                 ("hank.scorpio", "nina.ivanova", "omar.haddad", "grace.kim", "lucas.martin")),
    Organization("initech", "initech.com", 0.15, "us-east-1",
                 ("peter.gibbons", "samir.nagheenanajar", "joanna.ward", "michael.bolton")),
    Organization("umbrella-health", "umbrella-health.eu", 0.12, "eu-west-1",
                 ("anna.schmidt", "jan.novak", "claire.dubois", "marco.bianchi")),
    Organization("stark-industries", "stark-industries.com", 0.10, "us-east-1",
                 ("pepper.potts", "happy.hogan", "maya.hansen", "ravi.kumar")),
    Organization("wayne-enterprises", "wayne-enterprises.com", 0.08, "us-east-1",
                 ("lucius.fox", "barbara.gordon", "selina.kyle")),
    Organization("hooli", "hooli.xyz", 0.06, "ap-southeast-1",
                 ("gavin.belson", "mei.tanaka", "arjun.mehta", "dinesh.chugtai")),
    Organization("soylent-foods", "soylent-foods.co", 0.04, "eu-west-1",
                 ("sol.roth", "ingrid.larsen", "pablo.ortega")),
)  # fmt: skip

SUBSCRIBERS: tuple[Subscriber, ...] = tuple(
    Subscriber(f"{person}@{org.domain}", i) for i, org in enumerate(ORGANIZATIONS) for person in org.people
)

CREDENTIALS: tuple[Credential, ...] = tuple(
    Credential(f"{org.name}-{ENV_SHORT[env]}-key", i, e)
    for i, org in enumerate(ORGANIZATIONS)
    for e, (env, _) in enumerate(ENVIRONMENTS)
)

TRACE_TYPES: tuple[TraceType, ...] = (
    TraceType(
        "support-ticket", ("Resolve support ticket", "Refund request", "Account access issue"), 0.28,
        "support-copilot", "support-triage",
        (("billing-assistant", 0.4), ("guardrail-checker", 0.25), ("doc-summarizer", 0.2), ("translator", 0.15)),
        (0.30, 0.30, 0.20, 0.12, 0.08, 0, 0, 0), (0.6, 0.3, 0.1),
        loop_pair=("support-triage", "billing-assistant"), loop_share=0.1,
        squad="support-pod", squad_share=0.3, job_type="ticket-resolution", job_share=0.6,
    ),
    TraceType(
        "code-review", ("Review pull request", "Security review", "Refactor suggestion"), 0.14,
        "code-assist", "code-reviewer",
        (("code-reviewer", 0.5), ("doc-summarizer", 0.3), ("guardrail-checker", 0.2)),
        (0.35, 0.35, 0.20, 0.10, 0, 0, 0, 0), (0.7, 0.2, 0.1),
        job_type="code-review", job_share=0.4,
    ),
    TraceType(
        "research-report", ("Market research report", "Competitor analysis", "Weekly industry digest"), 0.10,
        "insights-studio", "orchestrator",
        (("research-planner", 0.4), ("research-writer", 0.45), ("doc-summarizer", 0.15)),
        (0, 0, 0.15, 0.20, 0.20, 0.20, 0.15, 0.10), (0.6, 0.2, 0.2),
        loop_pair=("research-planner", "research-writer"), loop_share=0.4,
        squad="research-crew", squad_share=0.7, job_type="report-generation", job_share=0.5,
    ),
    TraceType(
        "data-question", ("Ad-hoc data question", "Dashboard explanation", "Revenue breakdown"), 0.14,
        "insights-studio", "sql-analyst",
        (("sql-analyst", 0.6), ("doc-summarizer", 0.4)),
        (0.40, 0.30, 0.20, 0.10, 0, 0, 0, 0), (0.8, 0.1, 0.1),
        job_type="analytics-request", job_share=0.3,
    ),
    TraceType(
        "lead-qualification", ("Qualify inbound lead", "Enrich prospect", "Outreach draft"), 0.14,
        "sales-pilot", "sales-qualifier",
        (("research-writer", 0.3), ("guardrail-checker", 0.3), ("research-planner", 0.2), ("translator", 0.2)),
        (0.30, 0.35, 0.25, 0.10, 0, 0, 0, 0), (0.6, 0.3, 0.1),
        squad="sales-desk", squad_share=0.4, job_type="lead-qualification", job_share=0.8,
    ),
    TraceType(
        "document-processing", ("Summarize contract", "Translate document", "Extract key terms"), 0.14,
        "docs-ai", "doc-summarizer",
        (("translator", 0.5), ("guardrail-checker", 0.5)),
        (0.40, 0.40, 0.20, 0, 0, 0, 0, 0), (0.5, 0.5, 0.0),
    ),
    TraceType(
        "agent-workflow", ("Multi-step task", "Customer onboarding", "Incident triage"), 0.06,
        "support-copilot", "orchestrator",
        (("support-triage", 0.1), ("billing-assistant", 0.1), ("code-reviewer", 0.1), ("research-planner", 0.1),
         ("research-writer", 0.1), ("sql-analyst", 0.15), ("doc-summarizer", 0.15), ("translator", 0.1),
         ("guardrail-checker", 0.1)),
        (0, 0.10, 0.15, 0.20, 0.20, 0.15, 0.10, 0.10), (0.3, 0.4, 0.3),
        loop_pair=("orchestrator", "sql-analyst"), loop_share=0.2,
        squad="ops-squad", squad_share=0.5, job_type="workflow-automation", job_share=0.5,
    ),
)  # fmt: skip

AGENT_INDEX: dict[str, int] = {a.name: i for i, a in enumerate(AGENTS)}
PRODUCT_INDEX: dict[str, int] = {p.name: i for i, p in enumerate(PRODUCTS)}
TASK_TYPES: tuple[str, ...] = tuple(dict.fromkeys(a.task_type for a in AGENTS))
SQUADS: tuple[str, ...] = tuple(t.squad for t in TRACE_TYPES if t.squad)
JOB_TYPES: tuple[str, ...] = tuple(t.job_type for t in TRACE_TYPES if t.job_type)
TRACE_NAMES: tuple[str, ...] = tuple(name for t in TRACE_TYPES for name in t.names)

# Stop reasons of successful calls and their shares; ERROR is reserved for failed calls.
STOP_REASONS: tuple[str, ...] = ("END", "END_SEQUENCE", "TOKEN_LIMIT", "ERROR")
STOP_SHARES: tuple[float, float, float] = (0.95, 0.03, 0.02)
MAX_OUTPUT_TOKENS = 4096  # where TOKEN_LIMIT calls stop

# Failure kinds: (error reason text, HTTP status Helicone records, share among errors).
ERROR_KINDS: tuple[tuple[str, int, float], ...] = (
    ("429 Too Many Requests: provider rate limit exceeded, retry later", 429, 0.35),
    ("500 Internal Server Error: the provider returned an upstream error", 500, 0.40),
    ("Request timed out after 60000 ms waiting for the provider", 500, 0.25),
)
TIMEOUT_KIND = 2  # index of the timeout kind in ERROR_KINDS (its duration is the timeout)
TIMEOUT_MS = 60_000


def _check() -> None:
    for agent in AGENTS:
        for model, _ in agent.models:
            if model not in MODEL_BY_NAME:
                raise ValueError(f"agent {agent.name}: unknown model {model}")
    for t in TRACE_TYPES:
        if len(t.sizes) != 8 or abs(sum(t.sizes) - 1) > 1e-9 or abs(sum(t.shapes) - 1) > 1e-9:
            raise ValueError(f"trace type {t.name}: size/shape probabilities must sum to 1 over 8 sizes")
        names = [t.root_agent, *(a for a, _ in t.child_agents), *(t.loop_pair or ())]
        if any(n not in AGENT_INDEX for n in names) or t.product not in PRODUCT_INDEX:
            raise ValueError(f"trace type {t.name}: unknown agent or product")
    for shares in (
        [o.share for o in ORGANIZATIONS],
        [t.share for t in TRACE_TYPES],
        [s for _, s in ENVIRONMENTS],
        [s for *_, s in ERROR_KINDS],
    ):
        if abs(sum(shares) - 1) > 1e-9:
            raise ValueError(f"shares must sum to 1: {shares}")


_check()
