{#-
    A recursive walk: the rows of `anchor`, then of `step` applied to the previous level's rows, until a level is
    empty. `inputs` is the SQL of the rows both read (named `inputs_name` in them), `anchor` reads it, `step`
    reads it and the previous level (named `walk_name`); `step` must bound the depth itself.

    DuckDB and PostgreSQL: one WITH RECURSIVE query. Spark 3.5 has no recursive CTE: each level is computed
    and cached as a temporary view of dbt's session (`<model>__level_<n>`) until one is empty, and the model
    selects their union — the same rows, level by level.
-#}
{% macro recursive_walk(inputs_name, inputs, walk_name, anchor, step, max_levels) -%}
    {{ return(adapter.dispatch('recursive_walk', 'ai_economics')(inputs_name, inputs, walk_name, anchor, step, max_levels)) }}
{%- endmacro %}

{% macro default__recursive_walk(inputs_name, inputs, walk_name, anchor, step, max_levels) -%}
with recursive

{{ inputs_name }} as (
{{ inputs }}
),

{{ walk_name }} as (
{{ anchor }}

    union all
{{ step }}
)

select * from {{ walk_name }}
{%- endmacro %}

{% macro spark__recursive_walk(inputs_name, inputs, walk_name, anchor, step, max_levels) -%}
    {%- set prefix = this.identifier ~ '__' -%}
    {%- set levels = [prefix ~ 'level_0'] -%}
    {%- if execute -%}
        {%- do run_query('cache table ' ~ prefix ~ inputs_name ~ ' as ' ~ inputs) -%}
        {%- do run_query('cache table ' ~ levels[0] ~ ' as with ' ~ inputs_name ~ ' as (select * from '
            ~ prefix ~ inputs_name ~ ') ' ~ anchor) -%}
        {%- set walk = namespace(done=false) -%}
        {%- for level in range(1, max_levels + 1) if not walk.done -%}
            {%- set name = prefix ~ 'level_' ~ level -%}
            {%- do run_query('cache table ' ~ name ~ ' as with ' ~ inputs_name ~ ' as (select * from '
                ~ prefix ~ inputs_name ~ '), ' ~ walk_name ~ ' as (select * from ' ~ levels[-1] ~ ') ' ~ step) -%}
            {%- if run_query('select count(*) from ' ~ name).columns[0].values()[0] == 0 -%}
                {%- set walk.done = true -%}
            {%- else -%}
                {%- do levels.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for level in levels %}
select * from {{ level }}{% if not loop.last %}
union all{% endif %}
    {%- endfor %}
{%- endmacro %}
