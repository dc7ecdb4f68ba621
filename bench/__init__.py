"""The performance benchmark (``make bench`` / ``make bench-quick``): a script, not a test suite."""
