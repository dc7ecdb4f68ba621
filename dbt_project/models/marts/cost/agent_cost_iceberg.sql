{#-
    The cost iceberg per agent and day: the visible tip (its AI calls' token cost) and what lies below
    the waterline (the tool calls it made), with the share below. Revenium documents no iceberg endpoint
    (NOT FOUND in the vendor docs); the two parts are its cost-by-agent (AI calls) and agent-tool-breakdown
    (tool calls) figures. Incremental by partition window (day).
-#}
{{ token_vs_tool_cost(ref('fct_ai_calls'), ref('fct_tool_calls'), ['agent_name'], 'hidden_cost_share', count_distinct_tools=true) }}
