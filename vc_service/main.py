"""The FastAPI application: start-up wires database, agent and issuer; routers stay thin."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from .agent.client import AgentClient
from .agent.errors import AgentError, AgentUnavailable
from .badges import routes as badge_routes
from .agent.supervisor import AgentSupervisor, agent_command, agent_environment
from .contexts import routes as context_routes
from .contexts.service import accepted_contexts, sig_contexts
from .credentials.document import InvalidCredential
from .db.engine import create_engine, session_factory
from .db.migrate import upgrade_to_head
from .health import routes as health_routes
from .issuance import routes as issuance_routes
from .issuer import routes as issuer_routes
from .issuance.badge_credentials import didcomm_builder
from .issuance.worker import IssuanceWorker
from .issuer.identity import ensure_issuer
from .claims import routes as claim_routes
from .meetings import routes as meeting_routes
from .members import routes as member_routes
from .service_secrets import ServiceSecrets
from .members.routes import MAX_ROSTER_BYTES
from .settings import Settings, get_settings
from .web.limits import BodySizeLimit
from .state import ServiceState
from .proofs import routes as proof_routes
from .status import routes as status_routes
from .verification import routes as verification_routes
from .verification.status_lists import StatusListResolver
from .webhooks import routes as webhook_routes

LOGGER = logging.getLogger(__name__)


def webhook_url(settings: Settings) -> str:
    """Where the agent posts events: this process, over loopback when it listens everywhere."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}/webhooks"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secrets = ServiceSecrets.load_or_create(settings.data_dir)
    contexts = accepted_contexts(settings)
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database)
        stack.push_async_callback(engine.dispose)
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        agent = AgentClient(settings.agent_admin_url, secrets.agent_admin_key, settings.agent_request_timeout)
        stack.push_async_callback(agent.aclose)
        supervisor = AgentSupervisor(
            agent_command(settings),
            agent_environment(settings, secrets, webhook_url(settings)),
            settings.data_dir,
            agent,
            settings.agent_start_timeout,
        )
        stack.push_async_callback(supervisor.stop)
        await supervisor.start()
        issuer = await ensure_issuer(sessions, agent, settings)
        worker = IssuanceWorker(
            sessions, agent, didcomm_builder(issuer, settings.base_url), settings.offer_timeout_seconds
        )
        worker.start()
        stack.push_async_callback(worker.stop)
        status_lists = StatusListResolver(
            sessions, agent, settings.base_url, issuer.sig_id, issuer.did, settings.status_fetch_timeout
        )
        stack.push_async_callback(status_lists.aclose)
        app.state.service = ServiceState(
            settings=settings,
            secrets=secrets,
            engine=engine,
            sessions=sessions,
            agent=agent,
            contexts=contexts,
            sig_contexts=sig_contexts(settings),
            issuer=issuer,
            worker=worker,
            status_lists=status_lists,
        )
        LOGGER.info("issuer DID %s; agent pid %s", issuer.did, supervisor.pid)
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="SIG Credentials",
        summary="Open Badges 3.0 credentials for a Special Interest Group, issued through ACA-Py",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings = settings or get_settings()
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, larger={"/roster": MAX_ROSTER_BYTES})
    for module in (
        health_routes,
        issuer_routes,
        context_routes,
        meeting_routes,
        member_routes,
        badge_routes,
        claim_routes,
        status_routes,
        proof_routes,
        issuance_routes,
        verification_routes,
        webhook_routes,
    ):
        app.include_router(module.router)

    @app.exception_handler(InvalidCredential)
    async def invalid_credential(_request: Request, exc: InvalidCredential) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(AgentError)
    async def agent_error(_request: Request, exc: AgentError) -> JSONResponse:
        code = status.HTTP_503_SERVICE_UNAVAILABLE if isinstance(exc, AgentUnavailable) else status.HTTP_502_BAD_GATEWAY
        LOGGER.warning("agent error: %s", exc)
        return JSONResponse({"detail": f"agent error: {exc}"}, status_code=code)

    return app
