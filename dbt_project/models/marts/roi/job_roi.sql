{#-
    One row per Revenium agentic job, dated by its creation day: its cost from our facts (the job's calls in
    fct_ai_calls by job_id, and the tool calls they made in fct_tool_calls) against the outcome
    value reported for it (the jobs list). The cost split and ROI units: docs job_cost_split, roi_ratio.
    Incremental by partition window on the job's creation day; the job's calls (and their tool calls) are
    looked up from var trace_span_days before to as many days after the window (in_trace_span_window, as the
    trace and squad marts), so a rebuild of the creation day picks up calls that landed on later days and a
    partition run does not read the whole history (a full build reads every day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

jobs as (

    select * from {{ ref('stg_revenium__jobs') }}
    where {{ in_partition_window('day') }}

),

job_calls as (

    select
        calls.team_id,
        calls.job_id,
        calls.call_id,
        calls.modality,
        calls.input_tokens,
        calls.output_tokens,
        calls.total_tokens,
        calls.cost_usd
    from {{ ref('fct_ai_calls') }} as calls
    inner join jobs
        on jobs.team_id = calls.team_id
        and jobs.agentic_job_id = calls.job_id
    where calls.source_system = 'revenium'
        and {{ in_trace_span_window('calls.day', after=true) }}

),

call_costs as (

    select
        team_id,
        job_id,
        {{ dbt.cast("sum(case when modality = 'completion' then 1 else 0 end)", bigint) }} as call_count,
        {{ dbt.cast("sum(case when modality = 'completion' then 0 else 1 end)", bigint) }} as media_call_count,
        {{ dbt.cast('sum(input_tokens)', bigint) }} as input_tokens,
        {{ dbt.cast('sum(output_tokens)', bigint) }} as output_tokens,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast("sum(case when modality = 'completion' then cost_usd else 0 end)", type_usd()) }} as token_cost_usd,
        {{ dbt.cast("sum(case when modality = 'completion' then 0 else cost_usd end)", type_usd()) }} as modality_cost_usd
    from job_calls
    group by team_id, job_id

),

tool_costs as (

    select
        job_calls.team_id,
        job_calls.job_id,
        {{ dbt.cast('count(*)', bigint) }} as tool_call_count,
        {{ dbt.cast('sum(tools.cost_usd)', type_usd()) }} as tool_cost_usd
    from {{ ref('fct_tool_calls') }} as tools
    inner join job_calls
        on job_calls.call_id = tools.call_id
    where {{ in_trace_span_window('tools.day', after=true) }}
    group by job_calls.team_id, job_calls.job_id

),

joined as (

    select
        jobs.day,
        jobs.source_system,
        jobs.team_id,
        jobs.agentic_job_id as job_id,
        jobs.job_hashid,
        jobs.name as job_name,
        jobs.job_type,
        jobs.created_at,
        jobs.execution_status,
        jobs.outcome_type,
        coalesce(jobs.has_outcome, false) as has_outcome,
        case when coalesce(jobs.has_outcome, false) then coalesce(jobs.outcome_value, 0) end as outcome_value_usd,
        jobs.outcome_currency,
        coalesce(jobs.execution_status = 'SUCCESS', false) as is_successful,
        coalesce(jobs.outcome_type = 'CONVERTED', false) as is_converted,
        coalesce(jobs.outcome_type = 'DEFLECTED', false) as is_deflected,
        {{ dbt.cast('coalesce(call_costs.call_count, 0)', bigint) }} as call_count,
        {{ dbt.cast('coalesce(call_costs.media_call_count, 0)', bigint) }} as media_call_count,
        {{ dbt.cast('coalesce(tool_costs.tool_call_count, 0)', bigint) }} as tool_call_count,
        {{ dbt.cast('coalesce(call_costs.input_tokens, 0)', bigint) }} as input_tokens,
        {{ dbt.cast('coalesce(call_costs.output_tokens, 0)', bigint) }} as output_tokens,
        {{ dbt.cast('coalesce(call_costs.total_tokens, 0)', bigint) }} as total_tokens,
        {{ dbt.cast('coalesce(call_costs.token_cost_usd, 0)', type_usd()) }} as token_cost_usd,
        {{ dbt.cast('coalesce(call_costs.modality_cost_usd, 0)', type_usd()) }} as modality_cost_usd,
        {{ dbt.cast('coalesce(tool_costs.tool_cost_usd, 0)', type_usd()) }} as tool_cost_usd
    from jobs
    left join call_costs
        on call_costs.team_id = jobs.team_id
        and call_costs.job_id = jobs.agentic_job_id
    left join tool_costs
        on tool_costs.team_id = jobs.team_id
        and tool_costs.job_id = jobs.agentic_job_id

),

final as (

    select
        *,
        {{ dbt.cast('token_cost_usd + modality_cost_usd + tool_cost_usd', type_usd()) }} as total_cost_usd,
        {{ dbt.cast('outcome_value_usd - (token_cost_usd + modality_cost_usd + tool_cost_usd)', type_usd()) }}
            as net_value_usd,
        {{ safe_ratio('outcome_value_usd - (token_cost_usd + modality_cost_usd + tool_cost_usd)',
                      'token_cost_usd + modality_cost_usd + tool_cost_usd') }} as roi,
        100 * {{ safe_ratio('outcome_value_usd - (token_cost_usd + modality_cost_usd + tool_cost_usd)',
                            'token_cost_usd + modality_cost_usd + tool_cost_usd') }} as roi_pct
    from joined

)

select * from final
