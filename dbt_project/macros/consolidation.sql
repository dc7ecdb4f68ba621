{#-
    Call consolidation across vendors (models/marts/consolidated, docs/consolidation.md): the settings, in one
    place.

    * var consolidation_precedence: the source systems in order of trust. A call's chosen cost, tokens and
      dimensions come from the first source system in this order that observed it, and an observation is
      matched only against observations of source systems before its own (so the first one anchors every
      call it saw). Source systems not listed rank after the listed ones, by name.
    * var consolidation_time_window_ms: the largest difference of start times of two observations of one call
      that share no span id, as the vendors' clocks stamp them (clock offset plus latency to the vendor).
    * var consolidation_time_tolerance_ms: the same, once the day's clock offset between the two source
      systems is taken off (int_call_resolution estimates it).
    * var consolidation_ambiguity_margin_ms: a fingerprint match whose runner-up (on either side) is less than
      this much further in time is ambiguous: never merged.
    * var consolidation_match_without_ids: whether two observations with no shared id at all (no span id, a
      trace id on at most one side) may be matched on model, tokens and time alone.
    * var consolidation_rounding_usd: the largest cost difference of one call's records still taken for
      rounding rather than a price difference.
-#}
{#- A list or a comma-separated string, read as var source_systems is (macros/source_systems.sql). -#}
{% macro consolidation_precedence() %}
    {{ return(_source_system_list('consolidation_precedence') or ['revenium', 'orq', 'helicone']) }}
{% endmacro %}


{#- SQL expression: the rank of a source system column in consolidation_precedence (1 = most trusted). -#}
{% macro consolidation_rank(column) -%}
    {%- set names = consolidation_precedence() -%}
    case {{ column }}
        {%- for name in names %}
        when '{{ name }}' then {{ loop.index }}
        {%- endfor %}
        else {{ names | length + 1 }}
    end
{%- endmacro %}


{#- A setting's value, checked: a malformed one stops the build naming the var (never read as 0 or true). -#}
{% macro consolidation_setting(name) %}
    {%- set defaults = {
        'time_window_ms': 10000,
        'time_tolerance_ms': 2000,
        'ambiguity_margin_ms': 500,
        'match_without_ids': true,
        'rounding_usd': 0.00001,
    } -%}
    {%- set var_name = 'consolidation_' ~ name -%}
    {%- set value = var(var_name, none) -%}
    {%- set value = defaults[name] if value is none else value -%}
    {%- if name == 'match_without_ids' -%}
        {%- if value is sameas true or value is sameas false -%}
            {{ return(value) }}
        {%- elif value is string and value | lower in ('true', 'false') -%}
            {{ return(value | lower == 'true') }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error("var " ~ var_name ~ " must be true or false, got " ~ value) }}
    {%- endif -%}
    {%- set pattern = '^[0-9]+$' if name.endswith('_ms') else '^[0-9]+(\.[0-9]*)?([eE]-?[0-9]+)?$' -%}
    {%- if value is sameas true or value is sameas false or not modules.re.match(pattern, value | string) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " must be a number >= 0" ~ (" of milliseconds" if name.endswith('_ms') else "")
            ~ ", got " ~ value) }}
    {%- endif -%}
    {{ return(value | int if name.endswith('_ms') else value | float) }}
{% endmacro %}
