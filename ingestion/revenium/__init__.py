"""Revenium: the dlt source (``source``) and how its list responses are read (``paging``)."""

from ingestion.revenium.paging import PAGE_SIZE, hal_items, hal_total_pages, iter_pages
from ingestion.revenium.source import COMPLETIONS_PATH, iter_completion_pages, revenium_source

__all__ = [
    "COMPLETIONS_PATH",
    "PAGE_SIZE",
    "hal_items",
    "hal_total_pages",
    "iter_completion_pages",
    "iter_pages",
    "revenium_source",
]
