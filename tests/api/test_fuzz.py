"""Schemathesis against the published OpenAPI: whatever it sends, no server error, and every response
matches the schema the API publishes for it. Examples are bounded so that it runs in seconds.

Operations are driven one by one with Hypothesis (schemathesis' pytest plugin cannot take a session
fixture's app under this pytest), so the failure names the operation.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES = 8


def test_no_server_error_and_responses_match_their_schema(client):
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)  # the session's app, already started
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        try:
            fuzz()
        except Exception as err:
            raise AssertionError(f"{operation.label} : {err}") from err
