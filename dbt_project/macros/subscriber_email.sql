{#-
    The subscriber e-mail as analysts read it (docs/conventions.md, Personal data): by default the SHA-256 of
    the normalised address, lower(trim(email)), as 64 lowercase hex digits, so that the marts still group,
    join and count per user without holding the address. NULL and blank values stay as they are (they read
    as '(not set)' in the per-user marts). Applied once, in int_revenium__calls, the only model that brings
    an e-mail towards the marts; staging keeps the address, and only the marts are granted to analysts.

    Var hash_subscriber_email (true/false) decides; unset, the setting AIECON_HASH_SUBSCRIBER_EMAIL does
    (default true). The marts are incremental: after switching it, rebuild them with --full-refresh, or old
    and new days hold different forms of the same user.
-#}
{% macro subscriber_email_for_analysts(column) %}
    {%- if hash_subscriber_email_enabled() -%}
        case
            when {{ column }} is null or trim({{ column }}) = '' then {{ column }}
            else {{ sha256_hex('lower(trim(' ~ column ~ '))') }}
        end
    {%- else -%}
        {{ column }}
    {%- endif -%}
{% endmacro %}


{% macro hash_subscriber_email_enabled() %}
    {%- set chosen = var('hash_subscriber_email', none) -%}
    {%- if chosen is none -%}
        {%- set chosen = env_var('AIECON_HASH_SUBSCRIBER_EMAIL', '') | trim or 'true' -%}
    {%- endif -%}
    {%- set text = (chosen | string | trim | lower) -%}
    {%- if text in ('true', '1', 'yes', 'on') -%}
        {{ return(true) }}
    {%- elif text in ('false', '0', 'no', 'off') -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "hash_subscriber_email / AIECON_HASH_SUBSCRIBER_EMAIL=" ~ chosen ~ ": expected true or false") }}
{% endmacro %}


{#- SHA-256 of a text expression (UTF-8 bytes) as 64 lowercase hex digits. -#}
{% macro sha256_hex(expression) %}
    {{ return(adapter.dispatch('sha256_hex')(expression)) }}
{% endmacro %}

{% macro duckdb__sha256_hex(expression) %}sha256({{ expression }}){% endmacro %}

{% macro postgres__sha256_hex(expression) %}encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex'){% endmacro %}

{% macro spark__sha256_hex(expression) %}sha2(cast({{ expression }} as string), 256){% endmacro %}

{% macro default__sha256_hex(expression) %}
    {{ exceptions.raise_compiler_error("sha256_hex: no implementation for adapter " ~ adapter.type()) }}
{% endmacro %}
