"""Revenium list envelopes, read from literal bodies (docs/vendor-apis/revenium.md §1.1 and §5.3)."""

import pytest

from ingestion.revenium.paging import hal_items, hal_total_elements, hal_total_pages, items_under

A, B = {"id": "a"}, {"id": "b"}


@pytest.mark.parametrize(
    ("body", "items", "pages"),
    [
        ({"_embedded": {"aICompletionMetricResourceList": [A, B]}, "page": {"totalPages": 3}}, [A, B], 3),
        ({"_embedded": {"jobResourceList": [A]}, "page": {"totalPages": 1}}, [A], 1),  # any list key
        ({"page": {"size": 20, "totalElements": 0, "totalPages": 0, "number": 0}}, [], 0),  # no _embedded
        ({"_embedded": {}, "page": {"totalPages": 0}}, [], 0),  # _embedded without a list
        ([A, B], [A, B], None),  # bare array: no paging metadata
        ([], [], None),
        ({"content": [B], "page": {"totalElements": 1, "totalPages": 1}}, [B], 1),  # non-HAL wrapper
        ({"content": [A], "totalPages": 4, "totalElements": 77}, [A], 4),  # classic Spring Page JSON
        ({"resourceType": "metric_aggregated", "_embedded": {"items": [A]}}, [A], None),
    ],
)
def test_every_envelope_gives_its_records_and_page_count(body, items, pages):
    assert hal_items(body) == items
    assert hal_total_pages(body) == pages


def test_total_elements_from_either_wrapper():
    assert hal_total_elements({"page": {"totalElements": 45}}) == 45
    assert hal_total_elements({"content": [], "totalElements": 7}) == 7
    assert hal_total_elements([A]) is None


def test_named_non_hal_lists():
    assert items_under({"transactions": [A], "totalCount": 1}, "transactions") == [A]
    assert items_under([A, B], "transactions") == [A, B]  # tolerated: a bare array
    assert items_under({"_embedded": {"jobTypes": [A]}}, "transactions") == [A]


def test_a_scalar_body_is_an_error():
    with pytest.raises(ValueError, match="expected a JSON object or array"):
        hal_items("oops")
