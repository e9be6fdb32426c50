"""Rate limits count the real client, and count it once however many controllers answer it."""

import time
import uuid
from types import SimpleNamespace

import pytest
from fastapi import HTTPException
from sqlalchemy import select
from starlette.requests import Request

from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head
from vc_service.http.models import RateLimitWindow
from vc_service.http.ratelimit import RateLimit
from vc_service.settings import Settings

from ..support import RunningService, controllers_sharing_an_agent

pytestmark = pytest.mark.agents  # starts the service or agents itself

LOGIN_LIMIT = 10  # a minute from one address: the setting's default (test services raise it)
REAL_LOGIN_LIMIT = {"VC_SERVICE_LOGIN_RATE_LIMIT": str(LOGIN_LIMIT)}


def login_attempts(service: RunningService, forwarded_for: list[str]) -> list:
    """Sign-in attempts, one for each X-Forwarded-For value; each answer's status and detail.
    Each names another account, so only the address limit can refuse them all."""
    with service.client() as client:
        answers = [
            client.post(
                "/login",
                data={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.org", "password": "wrong"},
                headers={"X-Forwarded-For": address},
            )
            for address in forwarded_for
        ]
    return [
        (answer.status_code, answer.json().get("detail") if answer.status_code == 429 else None) for answer in answers
    ]


@pytest.fixture
def started(tmp_path, database_url):
    """Start a service of one's own (its login limit is used up by the test) with extra settings."""
    services = []

    def start(**extra_env: str) -> RunningService:
        service = RunningService(
            data_dir=tmp_path / f"data{len(services)}",
            database_url=database_url,
            extra_env={**REAL_LOGIN_LIMIT, **extra_env},
        )
        services.append(service)
        service.start()
        return service

    yield start
    for service in services:
        service.close()


def test_a_rotated_x_forwarded_for_does_not_bypass_the_login_limit(started):
    """By default no proxy is trusted: the header is the client's to write, not its address."""
    service = started()
    answers = login_attempts(service, [f"203.0.113.{index}" for index in range(LOGIN_LIMIT + 1)])
    assert all(status != 429 for status, _ in answers[:LOGIN_LIMIT])
    assert answers[LOGIN_LIMIT] == (429, f"too many requests from 127.0.0.1: at most {LOGIN_LIMIT} per 60 s")


def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(started):
    service = started(VC_SERVICE_TRUSTED_PROXIES="127.0.0.1")
    answers = login_attempts(service, ["203.0.113.7"] * (LOGIN_LIMIT + 1) + ["203.0.113.8"])
    assert all(status != 429 for status, _ in answers[:LOGIN_LIMIT])
    assert answers[LOGIN_LIMIT] == (429, f"too many requests from 203.0.113.7: at most {LOGIN_LIMIT} per 60 s")
    assert answers[-1][0] != 429  # another client behind the same proxy


def test_a_malformed_trusted_proxy_stops_the_start_naming_it(tmp_path):
    with pytest.raises(ValueError, match="'10.0.0.1/8' is no address or network"):
        Settings(trusted_proxies="127.0.0.1,10.0.0.1/8")


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_controllers_on_one_database_share_the_login_limit(tmp_path, database_url):
    with controllers_sharing_an_agent(tmp_path, database_url, REAL_LOGIN_LIMIT) as ((first, second), _):
        # The shared count is kept per fixed clock minute (one upsert a hit), so a run that began in
        # a minute's last seconds would see the count start again midway: its 12 attempts (a few
        # seconds) start at a minute's beginning instead. This waits for the clock, not for the
        # service to reach a state: nothing here passes because of the wait.
        if time.time() % 60 > 50:
            time.sleep(60 - time.time() % 60)
        answers = [
            login_attempts(first if index % 2 else second, ["198.51.100.1"])[0] for index in range(LOGIN_LIMIT + 2)
        ]
    assert all(status != 429 for status, _ in answers[:LOGIN_LIMIT])  # five at each
    assert (
        answers[LOGIN_LIMIT:] == [(429, f"too many requests from 127.0.0.1: at most {LOGIN_LIMIT} per 60 s")] * 2
    )  # at either


def request_to(controller: SimpleNamespace, host: str) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(service=controller))
    return Request({"type": "http", "client": (host, 1234), "headers": [], "method": "POST", "path": "/", "app": app})


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_controllers_on_one_postgresql_database_count_one_limit_and_forget_old_windows(database_url):
    engines = [create_engine(database_url) for _ in range(2)]
    await upgrade_to_head(engines[0])
    controllers = [
        SimpleNamespace(settings=Settings(), engine=engine, sessions=session_factory(engine)) for engine in engines
    ]
    now = [6030.0]  # halfway through a window
    limits = [RateLimit(limit=3, period=60, clock=lambda: now[0], name="login") for _ in controllers]  # one each
    try:
        for limit, controller in [
            (limits[0], controllers[0]),
            (limits[1], controllers[1]),
            (limits[0], controllers[0]),
        ]:
            await limit(request_to(controller, "10.0.0.1"))
        with pytest.raises(HTTPException) as refused:
            await limits[1](request_to(controllers[1], "10.0.0.1"))  # the fourth, at the other controller
        assert refused.value.status_code == 429 and refused.value.headers["Retry-After"] == "31"  # its end
        await limits[1](request_to(controllers[1], "10.0.0.2"))  # another client has its own count

        now[0] += 60  # the next window
        await limits[1](request_to(controllers[1], "10.0.0.1"))
        async with controllers[0].sessions() as session:
            rows = (await session.execute(select(RateLimitWindow.client, RateLimitWindow.hits))).all()
        assert rows == [("10.0.0.1", 1)]  # the past window's rows are gone

        forwarded = "unknown-" + "x" * 200  # what a proxy that passes the header on may forward
        await limits[0](request_to(controllers[0], forwarded))
        await limits[1](request_to(controllers[1], forwarded))
        async with controllers[0].sessions() as session:
            assert (
                await session.scalar(select(RateLimitWindow.hits).where(RateLimitWindow.client == forwarded[:64])) == 2
            )
    finally:
        for engine in engines:
            await engine.dispose()


def test_claim_links_and_the_wallets_endpoints_count_as_one_limit(started):
    """The member's claim-link routes and the OpenID4VCI endpoints a wallet calls (offer, issuer
    metadata, token) share one count per client; past it, each is a 429 saying so."""
    service = started(VC_SERVICE_CLAIM_RATE_LIMIT="4")
    requests = [
        ("GET", "/i/not-a-token"),
        ("GET", "/.well-known/openid-credential-issuer"),
        ("GET", "/o/not-a-code"),
        ("POST", "/oid4vci/token"),
        ("GET", "/.well-known/openid-credential-issuer"),
        ("GET", "/c/not-a-token/badges/1.json"),
    ]
    with service.client() as client:
        answers = [client.request(method, path) for method, path in requests]
    codes = [answer.status_code for answer in answers]
    assert 429 not in codes[:4] and codes[4:] == [429, 429], codes
    assert "at most 4 per 60 s" in answers[4].json()["detail"]
