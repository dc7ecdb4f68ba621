{#-
    The price book (docs/pricing.md): list prices (seeds/price_book, exported from genai-prices) and the user's
    overrides (var price_overrides, from the file AIECON_PRICE_OVERRIDES: ingestion/pricing/overrides.py), and
    the one way a call is priced with them (price_calls), used by the ledger and by the what-if scenarios.
-#}

{#- The override rows of var price_overrides as a SELECT of text columns (no rows: an empty SELECT). Each row
    is checked here too, so a run of dbt alone with a malformed var stops naming the row and the field. -#}
{% macro price_override_rows(rows=none) %}
    {%- set rows = (var('price_overrides', []) or []) if rows is none else rows -%}
    {%- set units = ['input', 'output', 'cache_read', 'cache_write', 'output_reasoning', 'requests'] -%}
    {%- set patterns = {
        'provider': '^.+$', 'model': '^.+$', 'usd_price': '^[0-9]+(\.[0-9]{1,9})?$', 'per_units': '^(1|1000|1000000)$',
        'effective_from': '^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$', 'effective_to': '^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$',
    } -%}
    {%- set selects = [] -%}
    {%- for row in rows -%}
        {%- set values = {} -%}
        {%- for field, pattern in patterns.items() -%}
            {%- set text = (row.get(field) if row.get(field) is not none else '') | string | trim -%}
            {%- if field == 'per_units' and text == '' -%}{%- set text = '1000000' -%}{%- endif -%}
            {%- if not modules.re.match(pattern, text) -%}
                {{ exceptions.raise_compiler_error("var price_overrides row " ~ loop.index ~ ": " ~ field ~ " = '" ~ text ~ "' is not valid") }}
            {%- endif -%}
            {%- do values.update({field: text}) -%}
        {%- endfor -%}
        {%- if row.get('price_unit') not in units -%}
            {{ exceptions.raise_compiler_error("var price_overrides row " ~ loop.index ~ ": price_unit = '" ~ row.get('price_unit') ~ "' is not one of " ~ units | join(', ')) }}
        {%- endif -%}
        {%- do selects.append(
            "select " ~ string_literal(values['provider'] | lower) ~ " as provider, "
            ~ string_literal(values['model'] | lower) ~ " as model, "
            ~ string_literal(row['price_unit']) ~ " as price_unit, " ~ string_literal(values['usd_price']) ~ " as usd_price, "
            ~ string_literal(values['per_units']) ~ " as per_units, " ~ string_literal(values['effective_from'])
            ~ " as effective_from, " ~ string_literal(values['effective_to']) ~ " as effective_to, "
            ~ string_literal((row.get('note') or '') | string) ~ " as note"
        ) -%}
    {%- endfor -%}
    {%- if selects -%}
        {{ return(selects | join('\nunion all\n')) }}
    {%- endif -%}
    {#- typed NULLs, not '': PostgreSQL folds cast('' as numeric) at planning even under where 1 = 0 -#}
    {%- set columns = ['provider', 'model', 'price_unit', 'usd_price', 'per_units', 'effective_from', 'effective_to', 'note'] -%}
    {%- set nulls = [] -%}
    {%- for column in columns -%}
        {%- do nulls.append(dbt.cast('null', api.Column.translate_type('string')) ~ ' as ' ~ column) -%}
    {%- endfor -%}
    {{ return('select ' ~ (nulls | join(', ')) ~ ' where 1 = 0') }}
{% endmacro %}


{#- Override rows (var price_overrides, or the given list) typed as int_price_book's rows. -#}
{% macro typed_price_overrides(rows=none) %}
    {%- set per_million = "cast(usd_price as " ~ type_usd() ~ ") * cast(1000000 / cast(per_units as integer) as integer)" -%}
    select
        'override' as price_source,
        {{ dbt.cast('null', api.Column.translate_type('string')) }} as source_version,
        provider as provider_id,
        model as model_key,
        0 as price_set,
        {{ dbt.cast("nullif(effective_from, '')", api.Column.translate_type('timestamp')) }} as starts_at,
        {{ dbt.cast("nullif(effective_to, '')", api.Column.translate_type('timestamp')) }} as ends_at,
        {{ dbt.cast('null', 'integer') }} as second_from,
        {{ dbt.cast('null', 'integer') }} as second_to,
        price_unit,
        {{ dbt.cast('0', dbt.type_bigint()) }} as tier_above_input_tokens,
        {{ per_million }} as usd_per_million,
        nullif(note, '') as pricing_url,
        {{ dbt.cast('null', api.Column.translate_type('date')) }} as checked_on
    from ({{ price_override_rows(rows) }}) as rows
{% endmacro %}


{#- Whether a text matches a regular expression (anywhere in it), per database. -#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'ai_economics')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_like({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regex_matches(text, pattern) -%}
    ({{ text }} ~ {{ pattern }})
{%- endmacro %}


{#- 1 when a lower-case name satisfies one clause of price_book_model_matches, else 0. -#}
{% macro price_book_clause_holds(name, kind, value) -%}
    case
        when {{ kind }} = 'equals' and {{ name }} = {{ value }} then 1
        when {{ kind }} = 'starts_with' and substr({{ name }}, 1, length({{ value }})) = {{ value }} then 1
        when {{ kind }} = 'ends_with' and length({{ name }}) >= length({{ value }})
            and substr({{ name }}, length({{ name }}) - length({{ value }}) + 1) = {{ value }} then 1
        when {{ kind }} = 'contains' and {{ dbt.position(value, name) }} > 0 then 1
        when {{ kind }} = 'regex' and {{ regex_matches(name, value) }} then 1
        when {{ kind }} = 'not_regex' and not {{ regex_matches(name, value) }} then 1
        else 0
    end
{%- endmacro %}


{#-
    SELECT pricing the calls of a relation (or CTE) at the list price in force at each call's time, with the
    overrides winning per unit. The relation has: call_key, started_at (timestamptz), provider_name,
    request_model and the token columns as fct_ai_calls has them (docs/conventions.md: input_tokens includes
    the cache reads and writes, output_tokens the reasoning). Returns per call_key: list_cost_usd (NULL when unpriced),
    pricing_status ('priced' / 'unpriced'), price_model_id (genai-prices' model, NULL for an override-only or
    unpriced model), price_source ('genai-prices', 'override' or 'genai-prices+override'), price_effective_from
    (when the newest price used came into force; NULL: always).

    Units follow genai-prices: a unit without a price falls back to its parent (cache_read and cache_write to
    input, output_reasoning to output); requests are per call; a tier prices every unit of a call whose
    input_tokens (cache included) exceed it. Units the calls do not carry (media, searches)
    are not priced. book is the price-book relation (int_price_book or a scenario's), matches the model-name
    rules (seed price_book_model_matches).
-#}
{% macro price_calls(calls, book, matches) %}
    with names as (
        select distinct lower(provider_name) as provider_ref, lower(request_model) as model_ref
        from {{ calls }}
    ),

    matches as (
        select * from {{ matches }}
    ),

    -- the list's provider: the one with the name as id, else one whose own rules take the name
    provider_candidates as (
        select names.provider_ref, matches.provider_id, 0 as preference
        from names
        inner join (select distinct provider_id from matches) as matches on matches.provider_id = names.provider_ref
        union all
        select names.provider_ref, matches.provider_id, 1 as preference
        from names
        inner join matches on matches.model_id is null
        group by names.provider_ref, matches.provider_id, matches.rule_id
        having min({{ price_book_clause_holds('names.provider_ref', 'matches.match_kind', 'matches.match_value') }}) = 1
    ),

    providers as (
        select provider_ref, provider_id
        from (
            select
                provider_ref,
                provider_id,
                row_number() over (partition by provider_ref order by preference, provider_id) as pick
            from provider_candidates
        ) as ranked
        where pick = 1
    ),

    rule_hits as (
        select names.provider_ref, names.model_ref, matches.model_id, min(matches.model_order) as model_order
        from names
        inner join providers on providers.provider_ref = names.provider_ref
        inner join matches on matches.provider_id = providers.provider_id and matches.model_id is not null
        group by names.provider_ref, names.model_ref, matches.model_id, matches.rule_id
        having min({{ price_book_clause_holds('names.model_ref', 'matches.match_kind', 'matches.match_value') }}) = 1
    ),

    models as (
        select names.provider_ref, names.model_ref, providers.provider_id, hits.model_id
        from names
        left join providers on providers.provider_ref = names.provider_ref
        left join (
            select
                provider_ref,
                model_ref,
                model_id,
                row_number() over (partition by provider_ref, model_ref order by model_order) as pick
            from rule_hits
        ) as hits on hits.provider_ref = names.provider_ref and hits.model_ref = names.model_ref and hits.pick = 1
    ),

    call_rows as (
        select
            calls.*,
            lower(calls.provider_name) as provider_ref,
            lower(calls.request_model) as model_ref,
            {{ to_utc_timestamp('calls.started_at') }} as started_at_utc,
            {{ dbt.datediff(dbt.date_trunc('day', to_utc_timestamp('calls.started_at')), to_utc_timestamp('calls.started_at'), 'second') }} as second_of_day,
            calls.input_tokens as total_input_tokens,
            models.provider_id,
            models.model_id
        from {{ calls }} as calls
        left join models
            on models.provider_ref = lower(calls.provider_name) and models.model_ref = lower(calls.request_model)
    ),

    -- list rows in force at the call's time: by start date and by time of day
    list_in_force as (
        select
            calls.call_key,
            book.price_set,
            book.price_unit,
            book.tier_above_input_tokens,
            book.usd_per_million,
            book.starts_at,
            calls.total_input_tokens
        from call_rows as calls
        inner join {{ book }} as book
            on book.price_source = 'genai-prices'
            and book.provider_id = calls.provider_id
            and book.model_key = calls.model_id
        where (book.starts_at is null or book.starts_at <= calls.started_at_utc)
            and (
                book.second_from is null
                or (book.second_from <= book.second_to
                    and calls.second_of_day >= book.second_from and calls.second_of_day < book.second_to)
                or (book.second_from > book.second_to
                    and (calls.second_of_day >= book.second_from or calls.second_of_day < book.second_to))
            )
    ),

    -- the last set in force wins, and within it each unit's highest tier the call's input exceeds
    list_units as (
        select call_key, price_unit, usd_per_million, starts_at
        from (
            select
                list_in_force.*,
                max(price_set) over (partition by call_key) as chosen_set,
                row_number() over (
                    partition by call_key, price_set, price_unit order by tier_above_input_tokens desc
                ) as tier_pick
            from list_in_force
            where tier_above_input_tokens = 0 or total_input_tokens > tier_above_input_tokens
        ) as ranked
        where price_set = chosen_set and tier_pick = 1
    ),

    -- overrides in force at the call's time: the latest effective_from per unit wins
    override_units as (
        select call_key, price_unit, usd_per_million, starts_at
        from (
            select
                calls.call_key,
                book.price_unit,
                book.usd_per_million,
                book.starts_at,
                row_number() over (
                    partition by calls.call_key, book.price_unit order by book.starts_at desc nulls last
                ) as pick
            from call_rows as calls
            inner join {{ book }} as book
                on book.price_source = 'override'
                and book.provider_id = calls.provider_ref
                and book.model_key = calls.model_ref
            where (book.starts_at is null or book.starts_at <= calls.started_at_utc)
                and (book.ends_at is null or calls.started_at_utc < book.ends_at)
        ) as ranked
        where pick = 1
    ),

    unit_prices as (
        select
            coalesce(overrides.call_key, list.call_key) as call_key,
            coalesce(overrides.price_unit, list.price_unit) as price_unit,
            coalesce(overrides.usd_per_million, list.usd_per_million) as usd_per_million,
            case when overrides.call_key is not null then 'override' else 'genai-prices' end as price_source,
            coalesce(overrides.starts_at, list.starts_at) as starts_at
        from list_units as list
        full outer join override_units as overrides
            on overrides.call_key = list.call_key and overrides.price_unit = list.price_unit
    ),

    per_call as (
        select
            call_key,
            {#- the money type again (a price per million times an integer is wider): see list_cost_usd -#}
            {%- for unit, name in [('input', 'input'), ('output', 'output'), ('cache_read', 'cache_read'),
                                   ('cache_write', 'cache_write'), ('output_reasoning', 'reasoning'),
                                   ('requests', 'request')] %}
            {{ dbt.cast("max(case when price_unit = '" ~ unit ~ "' then usd_per_million end)", type_usd()) }} as {{ name }}_price,
            {%- endfor %}
            min(price_source) as first_source,
            max(price_source) as last_source,
            max(starts_at) as price_effective_from
        from unit_prices
        group by call_key
    )

    select
        calls.call_key,
        case when per_call.call_key is null then null else
            {#- token counts as DECIMAL(12,0) and prices as DECIMAL(18,9): a BIGINT is DECIMAL(20,0) in decimal
                arithmetic, and Spark, which caps precision at 38, would otherwise keep only 6 decimals of the sum
                (the price's 9 and the per-million 6 need 15); exact on every engine this way -#}
            {%- set tokens = {} -%}
            {%- for name, expression in {
                'input': 'calls.input_tokens - calls.cache_read_tokens - calls.cache_write_tokens',
                'cache_read': 'calls.cache_read_tokens', 'cache_write': 'calls.cache_write_tokens',
                'output': 'calls.output_tokens - calls.reasoning_tokens', 'reasoning': 'calls.reasoning_tokens'}.items() -%}
                {%- do tokens.update({name: dbt.cast(expression, 'decimal(12, 0)')}) -%}
            {%- endfor -%}
            {{ dbt.cast(
                'round((coalesce(' ~ tokens['input'] ~ ' * per_call.input_price, 0)'
                ~ ' + coalesce(' ~ tokens['cache_read'] ~ ' * coalesce(per_call.cache_read_price, per_call.input_price), 0)'
                ~ ' + coalesce(' ~ tokens['cache_write'] ~ ' * coalesce(per_call.cache_write_price, per_call.input_price), 0)'
                ~ ' + coalesce(' ~ tokens['output'] ~ ' * per_call.output_price, 0)'
                ~ ' + coalesce(' ~ tokens['reasoning'] ~ ' * coalesce(per_call.reasoning_price, per_call.output_price), 0)'
                ~ ' + coalesce(per_call.request_price, 0)) * 0.000001, 9)',
                type_usd()) }}
        end as list_cost_usd,
        case when per_call.call_key is null then 'unpriced' else 'priced' end as pricing_status,
        calls.model_id as price_model_id,
        case
            when per_call.call_key is null then null
            when per_call.first_source = per_call.last_source then per_call.first_source
            else 'genai-prices+override'
        end as price_source,
        per_call.price_effective_from
    from call_rows as calls
    left join per_call on per_call.call_key = calls.call_key
{% endmacro %}


{#- The days a pricing mart (meta restated_with_price_book) rebuilds: its partition window, or every day when
    the table is new or holds rows priced under another price-book version than the one in force (the price
    book changed: the ledger restated the history, so must the marts); version is int_price_book_version. The same answer for the model's input
    filter and for the replace_window strategy's delete, since both run before the insert. -#}
{% macro price_book_window(column, version) %}
    {%- if not is_incremental() -%}
        {{ return('(1 = 1)') }}
    {%- endif -%}
    {%- if execute -%}
        {%- set stale = run_query(
            'select count(*) from ' ~ this ~ ' where price_book_version <> (select price_book_version from '
            ~ version ~ ')'
        ).columns[0].values()[0] -%}
        {%- if stale > 0 -%}
            {{ return('(1 = 1)') }}
        {%- endif -%}
    {%- endif -%}
    {{ return(in_partition_window(column)) }}
{% endmacro %}


{#-
    The what-if scenarios (price_scenarios_daily): 'baseline' (the price book in force, nothing swapped) and
    each of var price_scenarios, a list of
        {name, model_swaps: [{from_model, to_model, to_provider (optional), agent_name (optional)}],
         price_overrides: [rows as in the overrides file] (optional: prices instead of AIECON_PRICE_OVERRIDES')}
    checked here: a bad scenario stops the build naming it.
-#}
{% macro price_scenarios() %}
    {%- set result = [{'name': 'baseline', 'model_swaps': []}] -%}
    {%- for scenario in var('price_scenarios', []) or [] -%}
        {%- set name = (scenario.get('name') or '') | string | trim -%}
        {%- if not modules.re.match('^[A-Za-z0-9][A-Za-z0-9 _.-]*$', name) or name in (result | map(attribute='name') | list) -%}
            {{ exceptions.raise_compiler_error("var price_scenarios: scenario " ~ loop.index ~ " needs a unique name of letters, digits, space, _ . - (and not 'baseline'), got '" ~ name ~ "'") }}
        {%- endif -%}
        {%- set swaps = [] -%}
        {%- for swap in scenario.get('model_swaps') or [] -%}
            {%- if not swap.get('from_model') or not swap.get('to_model') -%}
                {{ exceptions.raise_compiler_error("var price_scenarios: scenario '" ~ name ~ "' swap " ~ loop.index ~ " needs from_model and to_model") }}
            {%- endif -%}
            {%- do swaps.append(swap) -%}
        {%- endfor -%}
        {%- do result.append({'name': name, 'model_swaps': swaps, 'price_overrides': scenario.get('price_overrides')}) -%}
    {%- endfor -%}
    {{ return(result) }}
{% endmacro %}


{#- A scenario's value of provider_name or request_model: its first model swap that applies to the call. -#}
{% macro scenario_swapped(column, scenario) -%}
    {%- set target = 'to_provider' if column == 'provider_name' else 'to_model' -%}
    {%- set whens = [] -%}
    {%- for swap in scenario['model_swaps'] -%}
        {%- set condition = "lower(request_model) = " ~ string_literal(swap['from_model'] | lower) -%}
        {%- if swap.get('agent_name') -%}
            {%- set condition = condition ~ " and agent_name = " ~ string_literal(swap['agent_name']) -%}
        {%- endif -%}
        {%- set value = string_literal(swap[target]) if swap.get(target) else column -%}
        {%- do whens.append('when ' ~ condition ~ ' then ' ~ value) -%}
    {%- endfor -%}
    {%- if whens -%}
        case {{ whens | join(' ') }} else {{ column }} end
    {%- else -%}
        {{ column }}
    {%- endif -%}
{%- endmacro %}


{#- A call the vendor billed with no token at all (an image, a video, a speech clip: Revenium's media calls)
    is billed in units the price book's call pricing does not carry: unpriced, not a list cost of 0. -#}
{% macro ledger_pricing_status(priced, calls) -%}
    case
        when {{ priced }}.pricing_status = 'unpriced' then 'unpriced model'
        when {{ calls }}.input_tokens + {{ calls }}.output_tokens = 0 and {{ calls }}.cost_usd > 0 then 'unpriced units'
        else 'priced'
    end
{%- endmacro %}


{#- The list cost of a ledger entry: NULL unless priced. -#}
{% macro ledger_list_cost(priced, calls) -%}
    case when {{ ledger_pricing_status(priced, calls) }} = 'priced' then {{ priced }}.list_cost_usd end
{%- endmacro %}


{#- The columns of a call the pricing marts carry, in their order, each followed by a comma (alias: the
    relation's, or none). -#}
{% macro priced_call_dimensions(alias=none) -%}
    {%- for column in ['day', 'started_at', 'provider_name', 'request_model', 'organization_name', 'product_name', 'agent_name'] %}
        {{ alias ~ '.' if alias }}{{ column }},
    {%- endfor %}
{%- endmacro %}


{#- What price_calls reads of a call besides its time and names: the token columns (0 when not reported) and
    the vendor's cost. -#}
{% macro priced_call_usage() -%}
    {%- for column in ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] %}
        coalesce({{ column }}, 0) as {{ column }},
    {%- endfor %}
        cost_usd
{%- endmacro %}
