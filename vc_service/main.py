"""The FastAPI application: start-up wires database, agent and issuer; routers stay thin."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.types import ASGIApp

from .agent.admin_port import AdminPortGuard
from .agent.client import AgentClient
from .agent.errors import AgentError, AgentUnavailable
from .agent.supervisor import AgentSupervisor, agent_command, agent_environment, wait_until_ready
from .anoncreds import routes as anoncreds_routes
from .anoncreds.definitions import SigDefinitions
from .badges import routes as badge_routes
from .claims import routes as claim_routes
from .contexts import routes as context_routes
from .contexts.service import accepted_contexts, sig_contexts
from .data_dir import make_private
from .db.engine import create_engine, session_factory
from .db.errors import RETRY_AFTER_SECONDS, database_busy
from .db.migrate import upgrade_to_head
from .errors import BadGateway, ServiceError, Unavailable
from .health import routes as health_routes
from .http.headers import SecurityHeaders
from .http.limits import BodyLimits
from .http.text import reject_unstorable_text
from .issuance import routes as issuance_routes
from .issuance.badge_credentials import didcomm_builder
from .issuer import routes as issuer_routes
from .issuer.identity import ensure_issuers
from .meetings import routes as meeting_routes
from .members import routes as member_routes
from .members.roster import FORM_OVERHEAD_BYTES, MAX_ROSTER_BYTES, ROSTER_BASE64_BYTES
from .notifications import routes as notification_routes
from .notifications.channel import SmtpChannel
from .notifications.outbox import MailOutbox
from .oid4vci import routes as oid4vci_routes
from .oid4vci.errors import Oid4vciError
from .organizers import routes as organizer_routes
from .outbound.policy import outbound_policy
from .proofs import routes as proof_routes
from .reports import routes as report_routes
from .routing import claim_urls
from .service_secrets import ServiceSecrets
from .settings import Settings, get_settings
from .sig import format_routes as sig_format_routes
from .sig import routes as sig_routes
from .state import ServiceState
from .status import routes as status_routes
from .vcapi_exchange import routes as vcapi_exchange_routes
from .verification import routes as verification_routes
from .verification.status_lists import StatusListResolver
from .web import STATIC_DIR
from .web import account as web_account
from .web import auth as web_auth
from .web import dashboard as web_dashboard
from .web import home as web_home
from .web import profile as web_profile
from .web import verify_page as web_verify
from .webhooks import routes as webhook_routes
from .webhooks.dispatch import WebhookDispatcher

LOGGER = logging.getLogger(__name__)


def webhook_url(settings: Settings) -> str:
    """Where the agent posts events: this process, over loopback when it listens everywhere."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}/webhooks"


def mail_outbox(settings: Settings, sessions: async_sessionmaker, claim_key: str) -> MailOutbox | None:
    """The members' mail, sent through the SMTP server; None without one (nothing is mailed)."""
    if not settings.smtp_host:  # as Settings.mail_enabled: unset or empty
        return None
    channel = SmtpChannel(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_starttls,
        settings.smtp_username,
        settings.smtp_password,
        settings.smtp_timeout,
    )
    return MailOutbox(
        sessions,
        channel,
        claim_key=claim_key,
        claim_urls=partial(claim_urls, settings.base_url),
        sender=settings.mail_sender,
        rate_limit=settings.mail_rate_limit,
        retry_seconds=settings.mail_retry_seconds,
        claim_timeout=2 * settings.smtp_timeout,  # longer than any one send, so a live claim is never taken
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    make_private(settings.data_dir)
    given = {
        "agent_admin_key": settings.agent_admin_key,
        "webhook_key": settings.webhook_key,
        "session_key": settings.session_key,
        "claim_key": settings.claim_key,
    }
    secrets = ServiceSecrets.load_or_create(settings.data_dir, given)
    contexts = accepted_contexts(settings)
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database)
        stack.push_async_callback(engine.dispose)
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        # An agent of its own: the key goes only to that process's admin port (an agent run
        # elsewhere is reached over a private network, which the check cannot see).
        port_guard = None if settings.agent_url else AdminPortGuard(settings.agent_admin_port)
        agent = AgentClient(
            settings.agent_admin_url,
            secrets.agent_admin_key,
            settings.agent_request_timeout,
            transport=port_guard.transport() if port_guard else None,
        )
        stack.push_async_callback(agent.aclose)
        # No port guard exactly when settings.agent_url is set:
        if port_guard is None:  # an agent run elsewhere (docker-compose): wait for it, never start one
            await wait_until_ready(agent, settings.agent_start_timeout)
            agent_pid = None
        else:
            supervisor = AgentSupervisor(
                agent_command(settings),
                agent_environment(settings, secrets, webhook_url(settings)),
                settings.data_dir,
                agent,
                settings.agent_start_timeout,
                port_guard,
            )
            stack.push_async_callback(supervisor.stop)
            await supervisor.start()
            agent_pid = supervisor.pid
        issuers = await ensure_issuers(sessions, agent, settings)
        anoncreds = SigDefinitions(sessions, agent) if settings.ledger_genesis else None
        if anoncreds is not None:
            await anoncreds.ensure_in_use(await issuers.all())
        worker = WebhookDispatcher(
            sessions,
            agent,
            didcomm_builder(issuers, settings.base_url, anoncreds),
            settings.offer_timeout_seconds,
            claim_timeout=2 * settings.agent_request_timeout,
            outbox=mail_outbox(settings, sessions, secrets.claim_key),
        )
        worker.start()
        stack.push_async_callback(worker.stop)
        status_lists = StatusListResolver(
            sessions,
            agent,
            settings.base_url,
            issuers,
            settings.status_cache_entries,
            settings.status_cache_bytes,
            settings.status_cache_seconds,
            own_list_seconds=settings.status_list_max_age,
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
            issuers=issuers,
            worker=worker,
            status_lists=status_lists,
            outbound=outbound_policy(settings),
            anoncreds=anoncreds,
        )
        for issuer in await issuers.all():
            LOGGER.info("SIG %s: issuer DID %s", issuer.slug, issuer.did)
        LOGGER.info("agent %s", f"pid {agent_pid}" if agent_pid else settings.agent_admin_url)
        yield


def service_error_response(exc: ServiceError) -> JSONResponse:
    """The API's answer to a domain error: its class's status, its message as ``detail``, its headers."""
    return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=exc.headers or None)


def documented_errors(app: FastAPI) -> dict:
    """The OpenAPI document, saying what a 422 really holds: FastAPI's list of field errors for a
    request that does not fit its schema, or one sentence naming the problem when the domain
    refuses it (an unknown presenter, a malformed credential, ...)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        detail = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError", {}).get("properties", {})
        if "detail" in detail:
            detail["detail"] = {"anyOf": [detail["detail"], {"type": "string"}], "title": "Detail"}
        app.openapi_schema = schema
    return app.openapi_schema


class SigCredentialsApp(FastAPI):
    """The service's app: its OpenAPI document is :func:`documented_errors`, and its security
    headers are around the whole stack, Starlette's ServerErrorMiddleware included (add_middleware
    puts a middleware inside it), so that a 500 carries them too."""

    https_only = False  # the Strict-Transport-Security header; create_app sets it from the public URL

    def openapi(self) -> dict[str, Any]:
        return documented_errors(self)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), https=self.https_only)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = SigCredentialsApp(
        title="SIG Credentials",
        summary="Open Badges 3.0 credentials for a Special Interest Group, issued through ACA-Py",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings = settings or get_settings()
    app.https_only = settings.base_url.startswith("https://")
    app.add_middleware(
        BodyLimits,
        max_bytes=settings.max_body_bytes,
        larger={
            "/roster": MAX_ROSTER_BYTES + FORM_OVERHEAD_BYTES,
            "/roster/import": ROSTER_BASE64_BYTES + FORM_OVERHEAD_BYTES,
        },
        own_json_check=(webhook_routes.INBOX,),
    )
    for module in (
        issuance_routes,
        verification_routes,
        health_routes,
        issuer_routes,
        context_routes,
        meeting_routes,
        member_routes,
        badge_routes,
        claim_routes,
        oid4vci_routes,
        status_routes,
        proof_routes,
        webhook_routes,
        organizer_routes,
        notification_routes,
        report_routes,
        anoncreds_routes,
        sig_format_routes,
        sig_routes,
        vcapi_exchange_routes,
        web_auth,
        web_dashboard,
        web_account,
        web_profile,
        web_verify,
        web_home,
    ):
        # The webhook inbox checks its key before it reads the body, then the text (see its route).
        app.include_router(
            module.router, dependencies=[] if module is webhook_routes else [Depends(reject_unstorable_text)]
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(Oid4vciError)  # the more specific class: OAuth's error shape, not ``detail``
    async def oid4vci_error(_request: Request, exc: Oid4vciError) -> JSONResponse:
        return oid4vci_routes.oid4vci_error_response(exc)

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return service_error_response(exc)

    @app.exception_handler(AgentError)
    async def agent_error(_request: Request, exc: AgentError) -> JSONResponse:
        LOGGER.warning("agent error: %s", exc)
        message = f"agent error: {exc}"
        return service_error_response(
            Unavailable(message) if isinstance(exc, AgentUnavailable) else BadGateway(message)
        )

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        if not database_busy(exc):
            raise exc  # a bug, not load: a 500, logged
        LOGGER.warning("database busy: %s", exc.orig)
        busy = Unavailable("the database is busy with other writes: try again shortly", retry_after=RETRY_AFTER_SECONDS)
        return service_error_response(busy)

    return app
