"""The domain errors' HTTP answers: each class's status, its message as ``detail``, its headers,
through the app's one handler (``main.py``)."""

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from vc_service.agent.errors import AgentFailed, AgentRejected, AgentUnavailable
from vc_service.claims.door import DoorClosed, DoorNotFound
from vc_service.claims.files import BadgeBusy
from vc_service.credentials.document import InvalidCredential
from vc_service.delivery.didcomm import WalletConnected
from vc_service.errors import (
    BadGateway,
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    ServiceError,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from vc_service.formats.base import CannotSuspend, NotRevocable, TemplateUnavailable
from vc_service.formats.choice import FormatUnavailable
from vc_service.main import create_app
from vc_service.meetings.service import UnknownMeeting, UnknownPresenter
from vc_service.members.roster import RosterFormatError
from vc_service.members.service import InvalidMember
from vc_service.organizers.keys import UnknownApiKey
from vc_service.reports.queries import InvalidPeriod
from vc_service.settings import Settings
from vc_service.sig.service import InvalidSig, UnknownSig
from vc_service.status.service import StatusError, StatusNotFound
from vc_service.status.signing import UnknownStatusList

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
        (Gone("this proof request is done"), 410),
        (TooLarge("too big"), 413),
        (Invalid("no member 3 to present the talk"), 422),
        (TooManyRequests("slow down"), 429),
        (BadGateway("agent error: it broke"), 502),
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
        (DoorNotFound("no door"), 404),
        (DoorClosed("the door is closed"), 410),
        (WalletConnected("your wallet is connected"), 409),
        (InvalidMember("a member needs a name"), 422),
        (RosterFormatError("no email column"), 422),
        (StatusError("revocation is final"), 409),
        (StatusNotFound("no credential x issued by this SIG"), 404),
        (UnknownStatusList("no revocation status list 9"), 404),
        (UnknownApiKey("no API key 3"), 404),
        (TemplateUnavailable("the SIG issues no AnonCreds badges"), 409),
        (NotRevocable("badge 4 is not issued"), 409),
        (CannotSuspend("AnonCreds badges can be revoked, not suspended"), 409),
        (FormatUnavailable("AnonCreds needs a ledger"), 409),
    ],
)
async def test_the_domain_exceptions_are_service_errors_of_their_kind(tmp_path, error, code):
    response = await answer_to(tmp_path, error)
    assert (response.status_code, response.json()) == (code, {"detail": str(error)})


def test_the_domain_exceptions_still_are_what_their_callers_catch():
    assert isinstance(UnknownSig("x"), LookupError) and isinstance(UnknownMeeting("x"), LookupError)
    assert isinstance(InvalidSig("x"), ValueError) and isinstance(InvalidCredential("x"), ValueError)
    assert isinstance(InvalidMember("x"), ValueError) and isinstance(RosterFormatError("x"), ValueError)
    assert all(isinstance(error, LookupError) for error in (DoorNotFound("x"), StatusNotFound("x"), UnknownApiKey("x")))


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


@pytest.mark.parametrize(
    ("error", "code"),
    [(AgentFailed("boom", 500), 502), (AgentRejected("bad", 400), 502), (AgentUnavailable("no answer"), 503)],
)
async def test_an_agent_failure_answers_as_the_agent_error_it_is(tmp_path, error, code):
    response = await answer_to(tmp_path, error)
    assert (response.status_code, response.json()) == (code, {"detail": f"agent error: {error}"})


async def test_a_busy_database_answers_503_with_when_to_retry(tmp_path):
    busy = OperationalError("UPDATE badges", {}, Exception("database is locked"))
    response = await answer_to(tmp_path, busy)
    assert response.status_code == 503 and response.headers["retry-after"] == "2"
    assert response.json() == {"detail": "the database is busy with other writes: try again shortly"}
