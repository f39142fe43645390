"""Property-based run of the whole API against its own ``/openapi.json`` (schemathesis): never a 500.

Every operation gets a bounded number of generated requests (derandomized,
so CI is repeatable), authenticated as a regulating doctor (the role that
may call the most routes) against an in-process app on a throw-away SQLite
database holding a slot.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 30


def test_api_never_answers_500(app, auth, add_slot):
    add_slot()
    headers = auth("MRL")
    operations = [result.ok() for result in schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations()]
    # GET /api/v1/events is an endless stream (an in-process call would never return); its inputs are
    # checked in tests/server/test_events.py.
    operations = [op for op in operations if op.path != "/api/v1/events"]
    assert len(operations) >= 10
    failures: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:  # every operation's failure, reported together
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:800]}")
    assert not failures, "\n".join(failures)
