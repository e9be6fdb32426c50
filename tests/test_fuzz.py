"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document (schemathesis).

A service of its own (the shared one keeps the other tests' data clean), called with an
organizer key so organizer endpoints are reached, not just refused. Two runs, each checking
that no request gets a 5xx and every documented response matches its schema and content type:
requests that fit the document, and requests that break it (a wrong type, a missing field, a
string where an id goes...). Not checked: undocumented status codes (404, 409, 413, 429... are
deliberate and named in each ``detail``, but not all listed in the OpenAPI document), and that
every request breaking the document is refused (schemathesis' negative_data_rejection):
pydantic's lax mode accepts some on purpose, a number as a Unix time for a datetime, "7" for an
integer. Bounded: a few examples per operation, to keep `make test` short.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .support import RunningService, running_service

pytestmark = pytest.mark.agents  # starts the service or agents itself

EXAMPLES_PER_OPERATION = 12
DOCUMENTED_ANSWERS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def fuzzed_service(backend, tmp_path_factory) -> RunningService:
    yield from running_service(backend, tmp_path_factory.mktemp(f"fuzzed-{backend}"))


def fuzz_failures(service: RunningService, mode: GenerationMode, checks: list) -> list[str]:
    """Every operation fuzzed in ``mode``; the failures of all of them, not just the first."""
    schema = schemathesis.openapi.from_url(f"{service.url}/openapi.json")
    failures = []
    for operation in (result.ok() for result in schema.get_all_operations()):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case) -> None:
            case.call_and_validate(headers={"X-API-Key": service.api_key}, checks=checks)

        try:
            call()
        except Unsatisfiable:
            pass  # nothing in its document can be broken (no parameters, or free text only)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    return failures


def test_no_input_gives_a_server_error(fuzzed_service):
    failures = fuzz_failures(fuzzed_service, GenerationMode.POSITIVE, DOCUMENTED_ANSWERS)
    assert not failures, "\n\n".join(failures)


def test_input_outside_the_document_gives_no_server_error(fuzzed_service):
    failures = fuzz_failures(fuzzed_service, GenerationMode.NEGATIVE, DOCUMENTED_ANSWERS)
    assert not failures, "\n\n".join(failures)
