{#-
    The job conversion funnel per creation day and job type: total -> successful -> converted, from job_roi
    (Revenium's jobs list) as job_type_roi_daily counts it. Counted as Revenium's /jobs/conversion-funnel
    counts: successful = execution status SUCCESS, converted = outcome CONVERTED. Rates are ratios (0-1) of the row's counts; for a longer
    period or all job types, sum the counts and divide again. Incremental by partition window (day).
-#}

with

funnel as (

    {#- job_type_roi_daily already counts these per day, source and job type: read them, not job_roi again #}
    select
        day,
        source_system,
        job_type,
        total_jobs,
        successful_jobs,
        conversions as converted_jobs
    from {{ ref('job_type_roi_daily') }}
    where {{ in_partition_window('day') }}

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
