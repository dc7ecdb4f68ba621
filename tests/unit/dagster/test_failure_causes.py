"""The vendor call behind a failure, as the run-failure record's fields (dagster_project/errors.cause_fields)."""

from dagster_project.errors import cause_fields, root_cause_line
from ingestion.core.http_client import VendorAPIError


def wrapped(error: BaseException) -> BaseException:
    """``error`` under two wrappers, as dlt raises a source's error (pipeline step, resource extraction)."""
    try:
        try:
            raise error
        except VendorAPIError as inner:
            raise RuntimeError("In processing pipe `completions`: extraction failed") from inner
    except RuntimeError as middle:
        try:
            raise RuntimeError("Pipeline execution failed at `step=extract`") from middle
        except RuntimeError as outer:
            return outer


def test_a_vendor_answer_gives_its_endpoint_without_query_or_credentials_and_its_status():
    error = VendorAPIError(
        "revenium", "GET", "https://user:pw@api.example.com/v2/completions?teamId=t1&page=3", 401, "no", 1
    )
    assert cause_fields(wrapped(error)) == {
        "endpoint": "https://api.example.com/v2/completions",
        "outcome": "HTTP 401",
        "status": 401,
    }
    assert root_cause_line(wrapped(error)).startswith("revenium: GET https://api.example.com/v2/completions")


def test_no_response_has_an_outcome_and_no_status():
    error = VendorAPIError("orq", "POST", "http://127.0.0.1:9/v2/traces", None, "", 3, outcome="timeout")
    assert cause_fields(wrapped(error)) == {"endpoint": "http://127.0.0.1:9/v2/traces", "outcome": "timeout"}


def test_an_error_that_is_not_a_vendor_call_has_no_fields():
    try:
        raise ValueError("bad") from KeyError("x")
    except ValueError as error:
        assert cause_fields(error) == {}
