{{ config(meta={'partition_window_column': 'trace_day'}) }}
{#-
    Every AI call that belongs to a trace (fct_ai_calls with a trace_id), keyed by its trace across source
    systems (trace_key = source_system:trace_id), with its parent linked inside the trace: linked_parent_call_id
    is parent_call_id when that parent is a call of the same trace in the warehouse, else null.
    A call without a linked parent heads a branch. A trace has one root: its earliest head without a vendor
    parent (else its earliest head, else - parent links in a loop - its earliest call; ties by call_id),
    is_root. Every other head has_missing_parent: its
    vendor named a parent the warehouse does not hold (not loaded, deleted, another trace, or a span that
    is not a call) or, where the staging model could not resolve it, named none although the trace has a root.
    trace_day is the UTC day of the trace's first call: the partition of everything derived per trace.
    Incremental by trace_day: a run rebuilds the traces that start in its window, with their calls from var
    trace_span_days before to as many days after the window (in_trace_span_window; also those of later days
    already loaded), so a daily run does not grow with the history.
-#}
{%- set trace_key = dbt.concat(['source_system', "':'", 'trace_id']) -%}
{%- set window = in_partition_window('day') -%}
with

{% if window != '(1 = 1)' -%}
{#- A trace whose first day is in the window has a call in the window: only those traces are read, with all
    their calls (also those of other days, which decide the first day), not the whole history. -#}
window_traces as (

    select distinct {{ trace_key }} as trace_key
    from {{ ref('fct_ai_calls') }}
    where trace_id is not null
        and {{ window }}

),

{% endif -%}
{#- The few columns that find each trace's first day and each call's parent: narrow, so that the wide rows
    are read once (keyed) and never held for a second use. -#}
span_calls as (

    select
        {{ trace_key }} as trace_key,
        call_id,
        day
    from {{ ref('fct_ai_calls') }}
    where trace_id is not null
        and {{ in_trace_span_window('day', after=true) }}

),

trace_days as (

    select trace_key, min(day) as trace_day
    from span_calls
    {%- if window != '(1 = 1)' %}
    where trace_key in (select trace_key from window_traces)
    {%- endif %}
    group by trace_key

),

keyed as (

    select
        trace_days.trace_key,
        fct.*,
        trace_days.trace_day
    from {{ ref('fct_ai_calls') }} as fct
    inner join trace_days
        on trace_days.trace_key = {{ trace_key }}
    where fct.trace_id is not null
        and {{ in_trace_span_window('fct.day', after=true) }}
        and {{ in_partition_window('trace_days.trace_day') }}

),

linked as (

    select
        child.trace_key,
        child.call_id,
        child.source_system,
        child.trace_id,
        child.team_id,
        child.modality,
        case when child.modality in ('audio', 'image', 'video') then 1 else 0 end as is_media,
        child.started_at,
        child.ended_at,
        child.day,
        child.provider_name,
        child.request_model,
        child.agent_name,
        child.trace_type,
        child.trace_name,
        child.squad_id,
        child.job_id,
        child.organization_name,
        child.product_name,
        child.subscriber_email,
        child.environment,
        child.input_tokens,
        child.output_tokens,
        child.cache_read_tokens,
        child.cache_write_tokens,
        child.reasoning_tokens,
        child.total_tokens,
        child.cost_usd,
        child.duration_ms,
        child.is_error,
        child.parent_call_id,
        parent.call_id as linked_parent_call_id,
        child.trace_day
    from keyed as child
    left join span_calls as parent
        on parent.call_id = child.parent_call_id
        and parent.trace_key = child.trace_key

)

{#- Rank 1 of a trace is its root: heads first (no linked parent), then calls without a vendor parent, then by
    time, so a trace always has one, even when bad data links every call to another in a loop. A window over
    the calls themselves, not a ranked copy joined back on call_id (that join held every wide row twice). -#}
select
    linked.*,
    case when row_number() over root_order = 1 then true else false end as is_root,
    case when row_number() over root_order > 1 and linked.linked_parent_call_id is null then true else false end
        as has_missing_parent
from linked
window root_order as (
    partition by trace_key
    order by
        case when linked_parent_call_id is null then 0 else 1 end,
        case when parent_call_id is null then 0 else 1 end,
        started_at,
        call_id
)
