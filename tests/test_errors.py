"""The domain errors' HTTP answers: each class's status, its message as ``detail``, its headers,
through the app's one handler (``main.py``)."""

import httpx
import pytest

from vc_service.claims.files import BadgeBusy
from vc_service.credentials.document import InvalidCredential
from vc_service.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from vc_service.main import create_app
from vc_service.meetings.service import UnknownMeeting, UnknownPresenter
from vc_service.reports.queries import InvalidPeriod
from vc_service.settings import Settings
from vc_service.sig.service import InvalidSig, UnknownSig

from .support import SHARED_CONTEXTS


async def answer_to(tmp_path, error: Exception) -> httpx.Response:
    """What the app answers to a route that raises ``error``."""
    app = create_app(Settings(data_dir=tmp_path, contexts_dir=SHARED_CONTEXTS))

    @app.get("/raises")
    async def raises() -> None:
        raise error

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/raises")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (BadRequest("malformed"), 400),
        (Unauthorized("who are you"), 401),
        (Forbidden("not yours"), 403),
        (NotFound("no meeting 7"), 404),
        (Conflict("already done"), 409),
        (TooLarge("too big"), 413),
        (Invalid("no member 3 to present the talk"), 422),
        (TooManyRequests("slow down"), 429),
        (Unavailable("not now"), 503),
        (ServiceError("unclassified"), 500),
    ],
)
async def test_each_error_class_answers_its_status_with_its_message_as_detail(tmp_path, error, code):
    response = await answer_to(tmp_path, error)
    assert response.status_code == code
    assert response.json() == {"detail": str(error)}
    assert "retry-after" not in response.headers


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UnknownSig("no SIG x"), 404),
        (UnknownMeeting("no meeting 1"), 404),
        (UnknownPresenter("no member 1 to present the talk"), 422),
        (InvalidSig("a SIG needs a name"), 422),
        (InvalidCredential("document has no @context"), 422),
        (InvalidPeriod("until (2026-01-01) is before since (2026-02-01)"), 422),
        (BadgeBusy("this badge is being delivered to your wallet"), 409),
    ],
)
async def test_the_domain_exceptions_are_service_errors_of_their_kind(tmp_path, error, code):
    response = await answer_to(tmp_path, error)
    assert (response.status_code, response.json()) == (code, {"detail": str(error)})


def test_the_domain_exceptions_still_are_what_their_callers_catch():
    assert isinstance(UnknownSig("x"), LookupError) and isinstance(UnknownMeeting("x"), LookupError)
    assert isinstance(InvalidSig("x"), ValueError) and isinstance(InvalidCredential("x"), ValueError)


async def test_unavailable_says_when_to_retry(tmp_path):
    response = await answer_to(tmp_path, Unavailable("busy", retry_after=2))
    assert response.status_code == 503 and response.headers["retry-after"] == "2"
    assert response.json() == {"detail": "busy"}


async def test_an_error_carries_its_own_headers(tmp_path):
    error = Unauthorized("token expired", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    response = await answer_to(tmp_path, error)
    assert response.status_code == 401 and response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_an_error_answer_carries_the_security_headers(tmp_path):
    response = await answer_to(tmp_path, NotFound("no badge 1"))
    assert response.headers["x-content-type-options"] == "nosniff"
