{#-
    Which source systems each UTC day's marts hold, and which the run that built the day had to leave out:
    one row per (day, source system). In a normal run every source system of the window is 'complete'. In a
    partial run (a vendor's ingest, or a gate on its raw data, failed for the window: var
    missing_source_systems, dagster_project/defs/isolation.py) the missing ones are 'missing', with the cause
    (var missing_reasons) and the failed run (var failed_run_id); their rows of the window in the other marts
    stay as the last build left them, so a day they were complete for before becomes 'stale' (its rows are an
    earlier build's) rather than 'missing'. A later full run of the day makes it 'complete' again.
    Consumers join it on (day, source_system) to tell a quiet day from a missing vendor.
    The source systems are var source_systems (the enabled vendors, AIECON_VENDORS, passed by the orchestrator
    and aiecon build): a vendor not enabled has no row; without the var, those fct_ai_calls has in the window. Incremental by partition window (day).
-#}
{{ config(meta={'writes_missing_source_systems': true}) }}
{%- set calls = ref('fct_ai_calls') -%}
{%- set text = dbt.type_string() -%}
{%- set missing = missing_source_systems() -%}
{%- set systems = source_systems() -%}
{%- set failed_run_id = var('failed_run_id', none) or '' -%}

with

window_days as (

    {{ partition_window_days_sql(calls) }}

),

source_systems as (

    {% if systems is not none -%}
    {% for system in (systems + missing) | unique -%}
    select {{ dbt.cast("'" ~ system ~ "'", text) }} as source_system
    {{ 'union all' if not loop.last }}
    {% endfor %}
    {%- else -%}
    select distinct source_system from {{ calls }} where {{ in_partition_window('day') }}
    {%- for system in missing %}
    union
    select {{ dbt.cast("'" ~ system ~ "'", text) }}
    {%- endfor %}
    {%- endif %}

),

coverage as (

    select
        window_days.day,
        source_systems.source_system,
        {% if missing -%}
        source_systems.source_system in {{ source_system_literals(missing) }} as is_missing
        {%- else -%}
        false as is_missing
        {%- endif %}
    from window_days
    cross join source_systems

),

{%- if is_incremental() and missing %}

previous as (

    select day, source_system, status
    from {{ this }}
    where {{ in_partition_window('day') }}

),
{%- endif %}

final as (

    select
        coverage.day,
        coverage.source_system,
        case
            when not coverage.is_missing then 'complete'
            {%- if is_incremental() and missing %}
            when previous.status in ('complete', 'stale') then 'stale'
            {%- endif %}
            else 'missing'
        end as status,
        case
            {%- for system in missing %}
            when coverage.is_missing and coverage.source_system = '{{ system }}' then {{ missing_reason_literal(system) }}
            {%- endfor %}
            when 1 = 0 then {{ dbt.cast("''", text) }}
        end as missing_reason,
        case
            when coverage.is_missing then {{ dbt.cast("'" ~ dbt.escape_single_quotes(failed_run_id | string) ~ "'", text) if failed_run_id else dbt.cast('null', text) }}
        end as failed_run_id
    from coverage
    {%- if is_incremental() and missing %}
    left join previous
        on previous.day = coverage.day
        and previous.source_system = coverage.source_system
    {%- endif %}

)

select * from final
