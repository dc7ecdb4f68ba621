{#-
    Token cost (every AI call of fct_ai_calls, all modalities) beside tool cost (fct_tool_calls) per day and
    source: Revenium's token-vs-tool-cost ("Token Costs" / "Tool Costs"). Only Revenium meters tool calls,
    so other sources show tool cost 0. Incremental by partition window (day).
-#}
{{ token_vs_tool_cost(ref('fct_ai_calls'), ref('fct_tool_calls'), [], 'tool_cost_share') }}
