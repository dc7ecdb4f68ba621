{#-
    Which real provider call each observation of fct_ai_calls is (docs/consolidation.md): one row per
    observation, with the consolidated call it belongs to. The rules, strongest first:

    1. span_id      - the same span id on both sides (Revenium's transactionId, orq.ai's span_id): the
                      vendors were told the same call's id. Confidence 1.
    2. trace_tokens - the same trace id (Helicone's session id, orq.ai's trace id, Revenium's traceId), the
                      same model, input and output tokens, start times close. Confidence 0.95.
    3. tokens_time  - no id in common, none contradicting (a trace id on at most one side): the same model and
                      tokens, start times close (var consolidation_match_without_ids turns it off).
                      Confidence 0.8.

    Start times are close when, after taking off the day's clock offset between the two source systems, they
    are at most var consolidation_time_tolerance_ms apart. The clock offset is the median start-time
    difference of the day's sure pairs: span id matches, and pairs within var consolidation_time_window_ms
    where neither side has another candidate of the other's source system. Vendors stamp a call with their
    own clocks (a gateway's, an SDK's), so a fixed offset of a second or two is normal; it is what lets two
    look-alike calls a couple of seconds apart be told apart.

    Two observations that both carry a span id, or both a trace id, and differ in it are never one call.
    An observation is matched only against observations of source systems earlier in var
    consolidation_precedence (the first of them anchors every call it saw). It joins its best candidate (rule,
    then earlier source system, then nearer start) when it is also that candidate's best among its own source
    system's observations, and neither side has a runner-up of the same source system under the same rule
    less than var consolidation_ambiguity_margin_ms further away: otherwise it is 'ambiguous' - never merged, left out of
    the consolidated spend (each of its candidates is a call already counted) and kept here with its nearest
    candidate for inspection. An observation with no candidate starts its own call ('unmatched'); an
    observation of the first source system is 'anchor'. A match to an observation that is itself matched
    goes on to that one's call.

    Incremental by partition window (day, the observation's UTC day); candidates are read one day around the
    window, so a call whose observations straddle midnight is still found.
-#}
{%- set window_ms = consolidation_setting('time_window_ms') -%}
{%- set tolerance_ms = consolidation_setting('time_tolerance_ms') -%}
{%- set margin_ms = consolidation_setting('ambiguity_margin_ms') -%}
{%- set without_ids = consolidation_setting('match_without_ids') -%}
{%- set hops = consolidation_precedence() | length -%}
{%- set text = dbt.type_string() -%}

with

{# Revenium's transaction id (its span id) is not a column of fct_ai_calls: from the completions. #}
revenium_span_ids as (

    select call_id, transaction_id as span_id
    from {{ ref('stg_revenium__completions') }}
    where {{ in_widened_window('day', 1, 1) }}

),

observations as {{ cte_inlined() }} (

    select
        calls.call_id,
        calls.source_system,
        {{ consolidation_rank('calls.source_system') }} as source_rank,
        calls.day,
        calls.started_at,
        case
            when calls.source_system = 'revenium' then revenium_span_ids.span_id
            when calls.source_system = 'orq' then calls.vendor_call_id
        end as span_id,
        calls.trace_id,
        lower(calls.request_model) as model_key,
        calls.input_tokens,
        calls.output_tokens
    from {{ ref('fct_ai_calls') }} as calls
    left join revenium_span_ids
        on revenium_span_ids.call_id = calls.call_id
    where {{ in_widened_window('calls.day', 1, 1) }}

),

by_span_id as (

    select
        target.call_id,
        target.day,
        target.source_rank,
        candidate.call_id as candidate_call_id,
        candidate.source_rank as candidate_source_rank,
        1 as rule_rank,
        {{ milliseconds_between('candidate.started_at', 'target.started_at') }} as offset_ms
    from observations as target
    inner join observations as candidate
        on candidate.span_id = target.span_id
        and candidate.source_rank < target.source_rank
        and (candidate.trace_id = target.trace_id or candidate.trace_id is null or target.trace_id is null)

),

by_fingerprint as (

    select
        target.call_id,
        target.day,
        target.source_rank,
        candidate.call_id as candidate_call_id,
        candidate.source_rank as candidate_source_rank,
        case when candidate.trace_id = target.trace_id then 2 else 3 end as rule_rank,
        {{ milliseconds_between('candidate.started_at', 'target.started_at') }} as offset_ms
    from observations as target
    inner join observations as candidate
        on candidate.model_key = target.model_key
        and candidate.input_tokens = target.input_tokens
        and candidate.output_tokens = target.output_tokens
        and candidate.source_rank < target.source_rank
    where (candidate.span_id is null or target.span_id is null or candidate.span_id = target.span_id)
        and (
            candidate.trace_id = target.trace_id
            {%- if without_ids %}
            or candidate.trace_id is null
            or target.trace_id is null
            {%- endif %}
        )

),

found as (

    select
        call_id,
        day,
        source_rank,
        candidate_call_id,
        candidate_source_rank,
        min(rule_rank) as rule_rank,
        min(offset_ms) as offset_ms
    from (
        select * from by_span_id
        union all
        select * from by_fingerprint
        where abs(offset_ms) <= {{ window_ms }}
    ) as pairs
    group by call_id, day, source_rank, candidate_call_id, candidate_source_rank

),

{# A pair is sure when the span ids agree, or when each side has no other candidate of the other's source
   system: the day's clock offset between two source systems is the median offset of their sure pairs. #}
sure_pairs as (

    select
        day,
        source_rank,
        candidate_source_rank,
        offset_ms,
        rule_rank,
        count(*) over (partition by call_id, candidate_source_rank) as target_candidates,
        count(*) over (partition by candidate_call_id, source_rank) as candidate_targets
    from found

),

clock_offsets as (

    select
        day,
        source_rank,
        candidate_source_rank,
        percentile_cont(0.5) within group (order by offset_ms) as clock_offset_ms
    from sure_pairs
    where rule_rank = 1 or (target_candidates = 1 and candidate_targets = 1)
    group by day, source_rank, candidate_source_rank

),

candidates as (

    select
        found.call_id,
        found.source_rank,
        found.candidate_call_id,
        found.candidate_source_rank,
        found.rule_rank,
        found.offset_ms,
        coalesce(clock_offsets.clock_offset_ms, 0) as clock_offset_ms,
        abs(found.offset_ms - coalesce(clock_offsets.clock_offset_ms, 0)) as distance_ms
    from found
    left join clock_offsets
        on clock_offsets.day = found.day
        and clock_offsets.source_rank = found.source_rank
        and clock_offsets.candidate_source_rank = found.candidate_source_rank
    where found.rule_rank = 1
        or abs(found.offset_ms - coalesce(clock_offsets.clock_offset_ms, 0)) <= {{ tolerance_ms }}

),

ranked as (

    select
        candidates.*,
        row_number() over (
            partition by call_id
            order by rule_rank, candidate_source_rank, distance_ms, candidate_call_id
        ) as target_choice,
        {#- the runner-up among the same source system's observations: another source system's is
            usually the same call seen a third time -#}
        lead(rule_rank) over (
            partition by call_id, candidate_source_rank
            order by rule_rank, distance_ms, candidate_call_id
        ) as target_runner_up_rule,
        lead(distance_ms) over (
            partition by call_id, candidate_source_rank
            order by rule_rank, distance_ms, candidate_call_id
        ) as target_runner_up_distance_ms,
        row_number() over (
            partition by candidate_call_id, source_rank
            order by rule_rank, distance_ms, call_id
        ) as candidate_choice,
        lead(rule_rank) over (
            partition by candidate_call_id, source_rank
            order by rule_rank, distance_ms, call_id
        ) as candidate_runner_up_rule,
        lead(distance_ms) over (
            partition by candidate_call_id, source_rank
            order by rule_rank, distance_ms, call_id
        ) as candidate_runner_up_distance_ms,
        count(*) over (partition by call_id) as candidate_count
    from candidates

),

best as (

    select
        call_id,
        candidate_call_id,
        rule_rank,
        offset_ms,
        clock_offset_ms,
        candidate_count,
        rule_rank = 1 or (
            candidate_choice = 1
            and (
                target_runner_up_rule is null
                or target_runner_up_rule > rule_rank
                or target_runner_up_distance_ms - distance_ms >= {{ margin_ms }}
            )
        ) as is_clear
    from ranked
    where target_choice = 1

),

{#- Whether the chosen candidate also chose this observation, and without a close runner-up on its side. -#}
candidate_side as (

    select
        call_id,
        candidate_call_id,
        candidate_choice = 1 and (
            rule_rank = 1
            or candidate_runner_up_rule is null
            or candidate_runner_up_rule > rule_rank
            or candidate_runner_up_distance_ms - distance_ms >= {{ margin_ms }}
        ) as is_clear
    from ranked

),

resolved as (

    select
        observations.call_id,
        observations.source_system,
        observations.source_rank,
        observations.day,
        best.candidate_call_id,
        best.rule_rank,
        best.offset_ms,
        best.clock_offset_ms,
        coalesce(best.candidate_count, 0) as candidate_count,
        case
            when observations.source_rank = 1 then 'anchor'
            when best.call_id is null then 'unmatched'
            when best.is_clear and candidate_side.is_clear then 'matched'
            else 'ambiguous'
        end as resolution
    from observations
    left join best
        on best.call_id = observations.call_id
    left join candidate_side
        on candidate_side.call_id = best.call_id
        and candidate_side.candidate_call_id = best.candidate_call_id

),

{#- Each observation's parent: its match, itself when it starts a call, nothing when ambiguous. -#}
links as (

    select
        call_id,
        case
            when resolution = 'matched' then candidate_call_id
            when resolution in ('anchor', 'unmatched') then call_id
        end as parent_call_id
    from resolved

),

hop_0 as (

    select call_id, parent_call_id as consolidated_call_id from links

),
{%- for i in range(1, hops) %}

hop_{{ i }} as (

    select
        hop.call_id,
        case when hop.consolidated_call_id is not null then parent.parent_call_id end as consolidated_call_id
    from hop_{{ i - 1 }} as hop
    left join links as parent
        on parent.call_id = hop.consolidated_call_id

),
{%- endfor %}

final as (

    select
        resolved.call_id,
        resolved.source_system,
        resolved.day,
        hop_{{ hops - 1 }}.consolidated_call_id,
        resolved.resolution,
        case
            when resolved.resolution = 'matched' then
                case resolved.rule_rank
                    when 1 then {{ dbt.cast("'span_id'", text) }}
                    when 2 then {{ dbt.cast("'trace_tokens'", text) }}
                    else {{ dbt.cast("'tokens_time'", text) }}
                end
        end as match_rule,
        case
            when resolved.resolution = 'matched' then
                {{ dbt.cast('case resolved.rule_rank when 1 then 1.0 when 2 then 0.95 else 0.8 end', type_double()) }}
        end as match_confidence,
        resolved.candidate_call_id as nearest_candidate_call_id,
        resolved.offset_ms as candidate_offset_ms,
        {{ dbt.cast('resolved.clock_offset_ms', type_double()) }} as clock_offset_ms,
        {{ dbt.cast('resolved.candidate_count', dbt.type_bigint()) }} as candidate_count
    from resolved
    inner join hop_{{ hops - 1 }}
        on hop_{{ hops - 1 }}.call_id = resolved.call_id
    where {{ in_partition_window('resolved.day') }}

)

select * from final
