"""How the API answers when the agent misbehaves: 503 when it is away, 502 when it fails."""

import asyncio
import inspect
import json
from collections.abc import Iterator

import base58
import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from tests.agent.fake import FakeAgent
from vc_service.agent.client import AgentClient
from vc_service.contexts.service import accepted_contexts, sig_contexts
from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head
from vc_service.issuance.badge_credentials import didcomm_builder
from vc_service.issuer.identity import Issuer, Issuers
from vc_service.issuer.models import IssuerDid
from vc_service.main import create_app
from vc_service.outbound.policy import outbound_policy
from vc_service.service_secrets import ServiceSecrets
from vc_service.settings import Settings
from vc_service.sig.models import Sig
from vc_service.state import ServiceState
from vc_service.status.models import CredentialStatus
from vc_service.verification.status_lists import StatusListResolver
from vc_service.webhooks.dispatch import WebhookDispatcher

from .support import SHARED_CONTEXTS, attendance_credential


async def app_with_agent(tmp_path, handler, client_address: str = "127.0.0.1", **settings_overrides):
    """The real app and routes, its agent replaced by a fake admin API (no lifespan runs); a
    client with the admin key, calling from ``client_address``."""
    return api_client(await app_with_fake_agent(tmp_path, handler, **settings_overrides), client_address)


def api_client(app: FastAPI, client_address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(client_address, 123))
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers={"X-API-Key": "k"})


async def app_with_fake_agent(tmp_path, handler, database_url: str | None = None, **settings_overrides) -> FastAPI:
    """The app, its state built as at start-up around one SIG, the agent a fake admin API."""
    settings = Settings(
        data_dir=tmp_path,
        contexts_dir=SHARED_CONTEXTS,
        admin_api_key="k",
        database_url=database_url,
        **settings_overrides,
    )
    app = create_app(settings)
    engine = create_engine(settings.database)
    await upgrade_to_head(engine)
    agent = AgentClient("http://agent.test", "x", 1.0, transport=FakeAgent(handler))
    sessions = session_factory(engine)
    async with sessions() as session:  # the SIG and its recorded DID
        sig = Sig(slug="sig", name="SIG", description="d", url="https://sig.example")
        session.add(sig)
        await session.flush()
        issuer = Issuer(
            sig_id=sig.id, slug=sig.slug, did="did:key:z6Mk1", name=sig.name, url=sig.url, description=sig.description
        )
        session.add(IssuerDid(did=issuer.did, sig_id=issuer.sig_id, method="key"))
        await session.commit()
    issuers = Issuers(sessions, agent, settings, [issuer])
    app.state.service = ServiceState(
        settings=settings,
        secrets=ServiceSecrets.load_or_create(tmp_path),
        engine=engine,
        sessions=sessions,
        agent=agent,
        contexts=accepted_contexts(settings),
        sig_contexts=sig_contexts(settings),
        issuers=issuers,
        worker=WebhookDispatcher(
            sessions, agent, didcomm_builder(issuers, settings.base_url), offer_timeout=120, claim_timeout=30
        ),
        status_lists=StatusListResolver(
            sessions,
            agent,
            settings.base_url,
            issuers,
            settings.status_cache_entries,
            settings.status_cache_bytes,
            settings.status_cache_seconds,
        ),
        outbound=outbound_policy(settings),
    )
    return app


def unreachable(request):
    raise httpx.ConnectError("connection refused")


def broken(request):
    return httpx.Response(500, text="internal error")


@pytest.mark.parametrize(("handler", "status"), [(unreachable, 503), (broken, 502)], ids=["agent-down", "agent-broken"])
async def test_issue_maps_agent_failures(tmp_path, handler, status):
    app = await app_with_fake_agent(tmp_path, handler)
    async with api_client(app) as client:
        response = await client.post("/credentials/issue", json={"credential": attendance_credential()})
    assert response.status_code == status
    assert response.json()["detail"].startswith("agent error:")
    assert await stored_status_entries(app) == []  # nothing signed: no entry kept for it


async def stored_status_entries(app: FastAPI) -> list[str]:
    async with app.state.service.sessions() as session:
        return list(await session.scalars(select(CredentialStatus.credential_id)))


def signer_of_two_at_once():
    """An agent that signs once two requests are inside it: both requests are past their status
    reservation before either commits."""
    arrived, both_in = [], asyncio.Event()

    async def sign(request: httpx.Request) -> httpx.Response:
        arrived.append(request)
        if len(arrived) == 2:
            both_in.set()
        await asyncio.wait_for(both_in.wait(), timeout=10)
        credential = json.loads(request.content)["credential"]
        proof = {"type": "Ed25519Signature2020"}
        return httpx.Response(200, json={"verifiableCredential": {**credential, "proof": proof}})

    return sign


async def test_two_concurrent_issues_of_one_credential_id_sign_once_and_conflict_once(tmp_path):
    body = {"credential": attendance_credential(id="urn:uuid:6b0c3f1e-0000-4000-8000-000000000001")}
    app = await app_with_fake_agent(tmp_path, signer_of_two_at_once())
    async with api_client(app) as client:
        answers = await asyncio.gather(*(client.post("/credentials/issue", json=body) for _ in range(2)))
        assert sorted(answer.status_code for answer in answers) == [201, 409], [answer.text for answer in answers]
        (issued,) = [answer.json()["verifiableCredential"] for answer in answers if answer.status_code == 201]
        (refused,) = [answer.json()["detail"] for answer in answers if answer.status_code == 409]
        assert "concurrent request" in refused
        assert await stored_status_entries(app) == [issued["id"]]
        again = await client.post("/credentials/issue", json=body)  # asked again: the entry that was stored
    assert again.status_code == 201
    assert again.json()["verifiableCredential"]["credentialStatus"] == issued["credentialStatus"]


@pytest.mark.parametrize(("handler", "status"), [(unreachable, 503), (broken, 502)], ids=["agent-down", "agent-broken"])
async def test_verify_maps_agent_failures(tmp_path, handler, status):
    # A proof of the right shape (a well-formed one is what reaches the agent), not a valid one.
    proof = {
        "type": "Ed25519Signature2020",
        "created": "2026-11-20T17:00:00Z",
        "proofPurpose": "assertionMethod",
        "verificationMethod": "did:key:z6Mk1#z6Mk1",
        "proofValue": "z" + base58.b58encode(bytes(64)).decode(),
    }
    credential = attendance_credential(id="urn:uuid:1", issuer="did:key:z6Mk1", proof=proof)
    async with await app_with_agent(tmp_path, handler) as client:
        response = await client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == status


async def test_readyz_is_503_when_the_agent_is_down(tmp_path):
    async with await app_with_agent(tmp_path, unreachable) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["agent"].startswith("unavailable")
    assert response.json()["checks"]["database"] == "ready"


async def test_bodies_over_the_limit_are_413(tmp_path):
    async with await app_with_agent(tmp_path, unreachable) as client:
        declared = await client.post(
            "/credentials/verify", content=b"x" * 1_000_001, headers={"content-type": "application/json"}
        )

        async def chunks():
            for _ in range(11):
                yield b"x" * 100_000

        streamed = await client.post(
            "/credentials/verify", content=chunks(), headers={"content-type": "application/json"}
        )
    assert declared.status_code == streamed.status_code == 413
    assert "larger than 1000000 bytes" in declared.json()["detail"]


@pytest.mark.parametrize(
    "path, body, named",
    [
        (
            "/credentials/verify",
            '{"verifiableCredential": {"id": "a\\u0000b"}}',
            "the body.verifiableCredential.id holds a NUL character",
        ),
        (
            "/credentials/verify",
            '{"verifiableCredential": {"\\ud800": 1}}',
            "a key in the body.verifiableCredential holds an unpaired surrogate (not Unicode text)",
        ),
        ("/credentials/verify?x=%00", '{"verifiableCredential": {}}', "the query.x holds a NUL character"),
    ],
)
def test_text_no_database_can_store_is_422(service, path, body, named):
    answer = service.client().post(path, content=body.encode(), headers={"content-type": "application/json"})
    assert answer.status_code == 422 and answer.json()["detail"] == named


def test_text_no_database_can_store_is_422_in_a_body_of_any_json_encoding(service):
    # A UTF-8 body without a \\u0000 or surrogate escape is not walked; JSON in UTF-16 always is.
    body = '{"verifiableCredential": {"id": "a\\u0000b"}}'.encode("utf-16")
    answer = service.client().post("/credentials/verify", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "the body.verifiableCredential.id holds a NUL character"


async def test_a_server_error_carries_the_security_headers_too(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, contexts_dir=SHARED_CONTEXTS))

    @app.get("/fails")
    async def fails() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/fails")
    assert response.status_code == 500
    assert (response.headers["x-content-type-options"], response.headers["x-frame-options"]) == ("nosniff", "DENY")


async def test_verification_is_rate_limited_per_client(tmp_path):
    # rate limits live in the process: a client address of its own, unseen by the other tests
    async with await app_with_agent(tmp_path, broken, client_address="192.0.2.7", verify_rate_limit=2) as client:
        body = {"verifiableCredential": attendance_credential()}
        answers = [(await client.post("/credentials/verify", json=body)).status_code for _ in range(2)]
        refused = await client.post(
            "/presentations/verify", json={"verifiablePresentation": {}, "options": {"challenge": "c"}}
        )
    assert 429 not in answers
    assert (
        refused.status_code == 429
        and "at most 2 per 60 s" in refused.json()["detail"]
        and refused.headers["retry-after"]
    )


def sync_callables(dependant) -> Iterator[str]:
    """The endpoint and dependencies of a route that FastAPI would run in a worker thread."""
    call = dependant.call
    if call is not None:
        target = call if inspect.isfunction(call) or inspect.ismethod(call) else type(call).__call__
        if not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)):
            yield getattr(call, "__qualname__", repr(call))
    for dependency in dependant.dependencies:
        yield from sync_callables(dependency)


def test_no_route_or_dependency_runs_in_a_worker_thread(tmp_path):
    # A plain def is run through a thread pool: a thread hop on every request (bench/MEASURED.md).
    app = create_app(Settings(data_dir=tmp_path, contexts_dir=SHARED_CONTEXTS, admin_api_key="k"))
    dependants = [route.dependant for route in iter_route_contexts(app.routes) if hasattr(route, "dependant")]
    assert len(dependants) > 50
    assert {name for dependant in dependants for name in sync_callables(dependant)} == set()
