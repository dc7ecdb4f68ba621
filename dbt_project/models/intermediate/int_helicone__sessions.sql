{#-
    Helicone sessions (traces) per UTC day: Helicone's own session aggregates beside the same figures rolled
    up from the session's requests (int_helicone__calls), where tokens follow docs/conventions.md (input includes cache
    read and write tokens), and the session's root call (its earliest request without a parent).
    Every (session, day) of either side shows (with nulls on the side that lacks it): the keys of both sides
    are unioned first and each side is left-joined to them, rather than a full outer join on coalesced keys,
    and the CTEs read twice are inlined (cte_inlined), so that a filter on day (a partition run's
    window-filtered tests) passes into both inputs instead of reading every day.
-#}
with

sessions as {{ cte_inlined() }} (

    select * from {{ ref('stg_helicone__sessions') }}

),

calls as {{ cte_inlined() }} (

    select * from {{ ref('int_helicone__calls') }}
    where trace_id is not null

),

roots as (

    select
        trace_id,
        day,
        call_id,
        row_number() over (partition by trace_id, day order by started_at, call_id) as root_rank
    from calls
    where parent_call_id is null

),

rolled as {{ cte_inlined() }} (

    select
        trace_id,
        day,
        min(trace_name) as trace_name,
        min(started_at) as started_at,
        max(started_at) as last_request_at,
        count(*) as call_count,
        sum(case when is_error then 1 else 0 end) as error_count,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(total_tokens) as total_tokens,
        sum(cost_usd) as cost_usd
    from calls
    group by trace_id, day

),

keys as (

    select trace_id, day from sessions
    union
    select trace_id, day from rolled

),

joined as (

    select
        keys.trace_id,
        keys.day,
        'helicone' as source_system,
        coalesce(sessions.trace_name, rolled.trace_name) as trace_name,
        roots.call_id as root_call_id,
        coalesce(sessions.started_at, rolled.started_at) as started_at,
        coalesce(sessions.last_request_at, rolled.last_request_at) as last_request_at,
        sessions.user_ids,
        sessions.call_count as vendor_call_count,
        sessions.cost_usd as vendor_cost_usd,
        sessions.vendor_prompt_tokens,
        sessions.avg_duration_ms as vendor_avg_duration_ms,
        rolled.call_count,
        rolled.error_count,
        rolled.input_tokens,
        rolled.output_tokens,
        rolled.cache_read_tokens,
        rolled.cache_write_tokens,
        rolled.reasoning_tokens,
        rolled.total_tokens,
        rolled.cost_usd

    from keys
    left join sessions
        on sessions.trace_id = keys.trace_id
        and sessions.day = keys.day
    left join rolled
        on rolled.trace_id = keys.trace_id
        and rolled.day = keys.day
    left join roots
        on roots.trace_id = keys.trace_id
        and roots.day = keys.day
        and roots.root_rank = 1

)

select * from joined
