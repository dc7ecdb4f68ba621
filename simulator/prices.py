"""Providers and models of the simulated world, with the prices its meter (Revenium) charges, USD per 1M tokens.

``MODELS`` follows the providers' public list prices (mid-2025), with the differences a real metering table has
against the current list (``LIST_CACHE_READ``, ``OFF_PEAK``, ``UNLISTED`` below): a price cut it has not caught
up with, an off-peak discount it does not apply, a model with no list price. Helicone and orq.ai price the same
calls their own ways (``observers.py``). The price book's variance marts are tested against these differences.

Conventions (the ones every face of the simulator reports, see ``world.py``):

* ``input`` is billed on input tokens that were neither read from nor written to the prompt cache;
* ``cache_read`` is billed on cache-read tokens: about 10% of input for Anthropic, 25-50% elsewhere;
* ``cache_write`` is billed on cache-creation tokens: 1.25x input for Anthropic (5-minute TTL writes);
  other providers do not charge for writing the cache, so their price is 0;
* ``output`` is billed on output tokens, reasoning tokens included (reasoning is billed as output).

Every price is a multiple of USD 0.001 per million tokens, i.e. a whole number of nano-dollars per token,
so a cost of ``tokens x price`` is an exact integer number of nano-dollars and rounding to 9 decimals
never loses anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    """An LLM provider, spelled the way each vendor face spells it."""

    name: str  # Revenium's and Helicone's spelling, upper case (OPENAI)
    orq_name: str  # orq.ai reporting dimension value, lower case (openai)
    endpoint: str  # the provider URL a gateway forwards to (Helicone's target_url)
    supports_cache_read: bool  # whether the provider reports prompt-cache reads at all
    error_weight: float  # relative error propensity (Anthropic overloads, DeepSeek congestion, ...)


@dataclass(frozen=True)
class ModelPrice:
    """One model: its provider, prices (USD per 1M tokens) and latency profile."""

    name: str
    provider: str
    input: float
    output: float
    cache_read: float
    cache_write: float
    reasoning: bool = False  # emits reasoning tokens (billed as output, counted in output tokens)
    ttft_ms: float = 500.0  # median time to first token without reasoning
    tokens_per_s: float = 80.0  # median decode speed

    def nanos_per_token(self) -> tuple[int, int, int, int]:
        """(input, output, cache read, cache write) prices as whole nano-dollars per token."""
        # price per 1M tokens in USD = price * 1e-6 USD per token = price * 1e3 nano-USD per token.
        return tuple(round(p * 1000) for p in (self.input, self.output, self.cache_read, self.cache_write))  # type: ignore[return-value]


PROVIDERS: tuple[Provider, ...] = (
    Provider("OPENAI", "openai", "https://api.openai.com/v1/chat/completions", True, 0.8),
    Provider("ANTHROPIC", "anthropic", "https://api.anthropic.com/v1/messages", True, 1.4),
    Provider(
        "GOOGLE",
        "google",
        "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
        True,
        1.0,
    ),
    Provider("MISTRAL", "mistral", "https://api.mistral.ai/v1/chat/completions", False, 1.0),
    Provider("DEEPSEEK", "deepseek", "https://api.deepseek.com/chat/completions", True, 1.6),
    Provider("COHERE", "cohere", "https://api.cohere.com/v2/chat", False, 0.9),
    Provider("GROQ", "groq", "https://api.groq.com/openai/v1/chat/completions", False, 1.2),
)

# fmt: off
MODELS: tuple[ModelPrice, ...] = (
    #          name                       provider     input  output cache_r cache_w reasoning ttft  tok/s
    ModelPrice("gpt-4o",                  "OPENAI",    2.50,  10.00, 1.250,  0.0,    False,   450,  90),
    ModelPrice("gpt-4o-mini",             "OPENAI",    0.15,   0.60, 0.075,  0.0,    False,   350, 120),
    ModelPrice("gpt-4.1",                 "OPENAI",    2.00,   8.00, 0.500,  0.0,    False,   500,  80),
    ModelPrice("o3",                      "OPENAI",    2.00,   8.00, 0.500,  0.0,    True,    900,  60),
    ModelPrice("o4-mini",                 "OPENAI",    1.10,   4.40, 0.275,  0.0,    True,    600, 110),
    ModelPrice("claude-opus-4",           "ANTHROPIC", 15.00, 75.00, 1.500, 18.75,   False,  1200,  40),
    ModelPrice("claude-sonnet-4",         "ANTHROPIC", 3.00,  15.00, 0.300,  3.75,   False,   800,  65),
    ModelPrice("claude-3-5-haiku",        "ANTHROPIC", 0.80,   4.00, 0.080,  1.00,   False,   500, 100),
    ModelPrice("gemini-2.5-pro",          "GOOGLE",    1.25,  10.00, 0.310,  0.0,    True,    800,  80),
    ModelPrice("gemini-2.5-flash",        "GOOGLE",    0.30,   2.50, 0.075,  0.0,    False,   400, 180),
    ModelPrice("mistral-large",           "MISTRAL",   2.00,   6.00, 1.000,  0.0,    False,   500,  60),
    ModelPrice("mistral-small",           "MISTRAL",   0.10,   0.30, 0.050,  0.0,    False,   300, 130),
    ModelPrice("deepseek-chat",           "DEEPSEEK",  0.27,   1.10, 0.070,  0.0,    False,   900,  45),
    ModelPrice("deepseek-reasoner",       "DEEPSEEK",  0.55,   2.19, 0.140,  0.0,    True,   1000,  40),
    ModelPrice("command-r-plus",          "COHERE",    2.50,  10.00, 1.250,  0.0,    False,   600,  55),
    ModelPrice("command-r",               "COHERE",    0.15,   0.60, 0.075,  0.0,    False,   400,  90),
    ModelPrice("llama-3.3-70b-versatile", "GROQ",      0.59,   0.79, 0.295,  0.0,    False,   200, 280),
    ModelPrice("llama-3.1-8b-instant",    "GROQ",      0.05,   0.08, 0.025,  0.0,    False,   100, 700),
)
# fmt: on

# The providers' public list prices (USD per 1M tokens), as their pricing pages give them, where they differ from
# the table the world's meter (Revenium) prices with above. ``MODELS`` is Revenium's table; the warehouse's price
# book (genai-prices, ingestion/pricing) is the public list; the variance between them is what the tests expect
# of marts.price_variance_daily, computed here independently (``simulator/truth.py``: list_cost_nano):
#
# * Revenium's table lags Google's cache-read price cut on the two Gemini models (``LIST_CACHE_READ``);
# * DeepSeek's list has an off-peak price from 16:30 to 00:30 UTC (``OFF_PEAK``) that Revenium's table lacks;
# * mistral-small has no public list price at all (``UNLISTED``): its calls stay unpriced.
LIST_CACHE_READ: dict[str, float] = {"gemini-2.5-pro": 0.125, "gemini-2.5-flash": 0.03}
OFF_PEAK_WINDOW_S = (16 * 3600 + 30 * 60, 30 * 60)  # [16:30, 00:30) UTC, wrapping midnight
OFF_PEAK: dict[str, tuple[float, float, float]] = {  # (input, output, cache read) in the window
    "deepseek-chat": (0.135, 0.55, 0.035),
    "deepseek-reasoner": (0.135, 0.55, 0.035),
}
UNLISTED: frozenset[str] = frozenset({"mistral-small"})

PROVIDER_BY_NAME: dict[str, Provider] = {p.name: p for p in PROVIDERS}
MODEL_BY_NAME: dict[str, ModelPrice] = {m.name: m for m in MODELS}


def _check_catalogue() -> None:
    """Fail at import if a price breaks the conventions above (cheap, and catches typos early)."""
    for m in MODELS:
        if m.provider not in PROVIDER_BY_NAME:
            raise ValueError(f"{m.name}: unknown provider {m.provider}")
        for price in (m.input, m.output, m.cache_read, m.cache_write):
            if abs(price * 1000 - round(price * 1000)) > 1e-9:
                raise ValueError(f"{m.name}: price {price} is not a whole number of nano-dollars per token")
        if m.provider == "ANTHROPIC":
            if abs(m.cache_write - 1.25 * m.input) > 1e-9 or abs(m.cache_read - 0.1 * m.input) > 1e-9:
                raise ValueError(
                    f"{m.name}: Anthropic cache prices must be 10% (read) and 125% (write) of input"
                )
        elif m.cache_write != 0 or not 0.2 * m.input <= m.cache_read <= 0.5 * m.input:
            raise ValueError(f"{m.name}: cache read must be 25-50% of input and cache write free")
    for name in (*LIST_CACHE_READ, *OFF_PEAK, *UNLISTED):
        if name not in MODEL_BY_NAME:
            raise ValueError(f"list price of unknown model {name}")


_check_catalogue()
