{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    The job conversion funnel per creation day and job type: total -> successful -> converted, from job_roi
    (Revenium's jobs list). Counted as Revenium's /jobs/conversion-funnel counts: successful = execution
    status SUCCESS, converted = outcome CONVERTED. Rates are ratios (0-1) of the row's counts; for a longer
    period or all job types, sum the counts and divide again. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

jobs as (

    select * from {{ ref('job_roi') }}
    where {{ in_partition_window('day') }}

),

funnel as (

    select
        day,
        source_system,
        job_type,
        {{ dbt.cast('count(*)', bigint) }} as total_jobs,
        {{ dbt.cast('sum(case when is_successful then 1 else 0 end)', bigint) }} as successful_jobs,
        {{ dbt.cast('sum(case when is_converted then 1 else 0 end)', bigint) }} as converted_jobs
    from jobs
    group by day, source_system, job_type

),

final as (

    select
        *,
        {{ safe_ratio('successful_jobs', 'total_jobs') }} as success_rate,
        {{ safe_ratio('converted_jobs', 'total_jobs') }} as conversion_rate,
        {{ safe_ratio('converted_jobs', 'successful_jobs') }} as success_to_conversion_rate
    from funnel

)

select * from final
