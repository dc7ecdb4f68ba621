{#-
    Job ROI per job type and creation day, rolled up from job_roi (so both agree by construction): jobs,
    outcomes, conversions, deflections, the token / modality / tool cost split, value, cost per conversion
    and per outcome, ROI as a ratio (docs roi_ratio) and success rate. Ratios are of the day's sums; for a
    longer period sum the additive columns and divide again. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

jobs as (

    select * from {{ ref('job_roi') }}
    where {{ in_partition_window('day') }}

),

by_type as (

    select
        day,
        source_system,
        job_type,
        {{ dbt.cast('count(*)', bigint) }} as total_jobs,
        {{ dbt.cast('sum(case when is_successful then 1 else 0 end)', bigint) }} as successful_jobs,
        {{ dbt.cast('sum(case when has_outcome then 1 else 0 end)', bigint) }} as outcomes_reported,
        {{ dbt.cast('sum(case when is_converted then 1 else 0 end)', bigint) }} as conversions,
        {{ dbt.cast('sum(case when is_deflected then 1 else 0 end)', bigint) }} as deflections,
        {{ dbt.cast('sum(token_cost_usd)', type_usd()) }} as token_cost_usd,
        {{ dbt.cast('sum(modality_cost_usd)', type_usd()) }} as modality_cost_usd,
        {{ dbt.cast('sum(tool_cost_usd)', type_usd()) }} as tool_cost_usd,
        {{ dbt.cast('sum(total_cost_usd)', type_usd()) }} as total_cost_usd,
        {{ dbt.cast('coalesce(sum(outcome_value_usd), 0)', type_usd()) }} as total_value_usd
    from jobs
    group by day, source_system, job_type

),

final as (

    select
        *,
        {{ safe_ratio('total_value_usd', 'outcomes_reported') }} as average_value_usd,
        {{ safe_ratio('total_cost_usd', 'conversions') }} as cost_per_conversion_usd,
        {{ safe_ratio('total_cost_usd', 'outcomes_reported') }} as cost_per_outcome_usd,
        {{ safe_ratio('total_value_usd - total_cost_usd', 'total_cost_usd') }} as roi,
        {{ safe_ratio('successful_jobs', 'total_jobs') }} as success_rate
    from by_type

)

select * from final
