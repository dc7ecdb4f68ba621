{#- Revenium job timelines (GET /profitstream/v2/api/jobs/{id}/transactions, {transactions, totalCount}) for the jobs the source details. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'job_transactions') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        agentic_job_id,
        transaction_id,
        event_time,
        agent,
        model,
        provider,
        duration_ms,
        {{ dbt.cast('cost', type_usd()) }} as cost,
        input_tokens,
        output_tokens,
        total_tokens,
        status,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
