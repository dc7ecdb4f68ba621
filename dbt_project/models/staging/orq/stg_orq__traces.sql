{#-
    One row per orq.ai trace (TraceSummary). Renames to the docs/conventions.md names: identity = the organization,
    product (project) = the product, agent = the trace's (root) agent. Tokens converted like
    stg_orq__spans (orq's prompt_tokens already include cached input).
-#}
with

source as (

    select * from {{ source('orq', 'traces') }}

),

renamed as (

    select

        ---------- ids
        trace_id,
        root_span_id,
        name as trace_name,
        operation as operation_name,
        status,

        ---------- scope
        identity_id as organization_name,
        coalesce(product, project_id) as product_name,
        project_id,
        agent_name,
        session_id,
        thread_id,
        providers,
        models,

        ---------- usage and cost
        coalesce(prompt_tokens, 0) as input_tokens,
        coalesce(completion_tokens, 0) as output_tokens,
        coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) as total_tokens,
        {{ dbt.cast('cost_total', type_usd()) }} as cost_usd,

        ---------- timings
        started_at,
        ended_at,
        -- the loader's partition day (= the UTC date of started_at): a filter on it prunes by day
        _day as day,
        duration_ms,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
