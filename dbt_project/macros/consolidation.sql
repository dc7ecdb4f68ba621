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
-#}
{% macro consolidation_precedence() %}
    {%- set names = var('consolidation_precedence', none) or ['revenium', 'orq', 'helicone'] -%}
    {%- for name in names -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', name | string) -%}
            {{ exceptions.raise_compiler_error("var consolidation_precedence: '" ~ name ~ "' is not a source system name") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | list) }}
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


{% macro consolidation_setting(name) %}
    {%- set defaults = {
        'time_window_ms': 10000,
        'time_tolerance_ms': 2000,
        'ambiguity_margin_ms': 500,
        'match_without_ids': true,
    } -%}
    {%- set value = var('consolidation_' ~ name, none) -%}
    {%- set value = defaults[name] if value is none else value -%}
    {%- if name.endswith('_ms') and (value | int) < 0 -%}
        {{ exceptions.raise_compiler_error("var consolidation_" ~ name ~ " must be >= 0, got " ~ value) }}
    {%- endif -%}
    {{ return(value | int if name.endswith('_ms') else value) }}
{% endmacro %}
