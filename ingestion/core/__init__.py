"""What every vendor source shares, and nothing vendor-specific: the HTTP client, windows, the raw-table
declaration type and its row rules, projection to Arrow pages, quarantine, windowed dlt resources, settings
and paging helpers. Nothing here imports a vendor package or the registry (tests/unit/test_vendor_registry.py)."""
