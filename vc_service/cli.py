"""``vc-service``: the command line of the service.

Each command imports what it needs when it runs: ``vc-service --help`` and a mistyped option
answer at once, without loading the web framework, the database layer or the agent client.
"""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import httpx
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncSession

    from .settings import Settings

app = typer.Typer(help="SIG Credentials: issue and verify a SIG's badges through ACA-Py.", no_args_is_help=True)


@cache
def console() -> "Console":
    """The Rich console, made at its first use (Rich's import is part of what ``--help`` skips)."""
    from rich.console import Console

    return Console(soft_wrap=True, emoji=False)  # a DID holds ":key:", which is no emoji here


def settings() -> "Settings":
    from .settings import get_settings

    return get_settings()


def service_url(url: str | None = None) -> str:
    """Where the service is: ``url`` when given, else the URL the service running on this data
    directory recorded, else the one the settings make."""
    from .running_service import running_service_url

    current = settings()
    return (url or running_service_url(current.data_dir) or current.base_url).rstrip("/")


@app.callback()
def main() -> None:
    """Settings come from VC_SERVICE_* environment variables (see the README)."""


@app.command()
def up() -> None:
    """Start the agent and the API; Ctrl-C stops both."""
    import asyncio
    import logging

    import uvicorn

    from .http.access_log import redact_access_log
    from .main import create_app
    from .process_memory import limit_malloc_arenas
    from .running_service import forget_service, record_service

    limit_malloc_arenas()  # before any thread is started
    current = settings()
    logging.basicConfig(level=current.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per agent call is noise
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # at debug: every statement's values, tokens included
    application = create_app(current)
    config = uvicorn.Config(
        application,
        host=current.host,
        port=current.port,
        log_level=current.log_level,
        # X-Forwarded-For only from the proxies named; uvicorn would trust any from loopback.
        proxy_headers=bool(current.trusted_proxies),
        forwarded_allow_ips=current.trusted_proxies,
    )
    redact_access_log()  # after uvicorn has set up its loggers
    server = uvicorn.Server(config)

    async def serve() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            record_service(current.data_dir, current.base_url)
            await print_started(current, application.state.service)
        await serving

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its clean shutdown; that is a normal exit here
    finally:
        forget_service(current.data_dir)
    if not server.started:
        raise typer.Exit(code=1)


async def print_started(current: "Settings", state) -> None:
    """Where to go next: the pages, the first organizer, the SIG's profile, and the parts running."""
    from sqlalchemy import func, select

    from .organizers.models import OrganizerAccount

    base = current.base_url
    first = await state.issuers.first()
    async with state.sessions() as session:
        organizers = await session.scalar(select(func.count()).select_from(OrganizerAccount))
    out = console()
    out.print(f"[bold green]SIG Credentials is up[/] for {first.name}")
    out.print(f"  dashboard  {base}/dashboard")
    out.print(f"  verify     {base}/verify")
    out.print(f"  API        {base}/docs (issuer {base}/issuer, readiness {base}/readyz)")
    if not organizers:
        out.print("  [bold]first organizer:[/] .venv/bin/vc-service organizer add YOUR-EMAIL  (then sign in)")
    out.print(
        f"  SIG        name, description, web page, image and time zone: {base}/dashboard/profile "
        "(or VC_SERVICE_SIG_* before the first start)"
    )
    if current.agent_url:  # its DIDComm endpoint is that agent's own setting, unknown here
        out.print(f"  agent      admin API on {current.agent_admin_url} (run elsewhere)")
    else:
        out.print(
            f"  agent      admin API on {current.agent_admin_url} (loopback only), DIDComm at {current.agent_endpoint_url}"
        )
    out.print(
        f"  data       {current.data_dir.resolve()} (organizer key in secrets.json unless VC_SERVICE_ADMIN_API_KEY is set)"
    )


def organizer_client(url: str | None, api_key: str | None) -> "httpx.Client":
    import httpx

    from .service_secrets import ServiceSecrets

    current = settings()
    key = api_key or current.admin_api_key or ServiceSecrets.load_or_create(current.data_dir).organizer_key
    return httpx.Client(base_url=service_url(url), headers={"X-API-Key": key}, timeout=30)


@app.command()
def issue(
    meeting: int = typer.Option(..., "--meeting", help="Id of the meeting whose badges to issue."),
    url: str = typer.Option(
        None,
        help="The service's URL (default: the one the service running on this data directory serves, else the settings').",
    ),
    api_key: str = typer.Option(None, envvar="VC_SERVICE_ADMIN_API_KEY", help="Organizer key."),
    timeout: float = typer.Option(600, help="Seconds to follow the progress before leaving it running."),
) -> None:
    """Issue every badge of a meeting and follow the progress (safe to run again)."""
    import time

    import httpx
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from .issuance.progress import batch_settled, picked_up

    with organizer_client(url, api_key) as client:
        try:
            started = client.post(f"/meetings/{meeting}/issue")
        except httpx.TransportError as exc:
            console().print(f"[red]Cannot reach the service at {client.base_url}: {exc}[/]")
            raise typer.Exit(code=2) from exc
        if started.status_code != 202:
            console().print(f"[red]{started.status_code}: {started.json().get('detail', started.text)}[/]")
            raise typer.Exit(code=1)
        console().print(f"Job {started.json()['job_id']}: {started.json()['badges_added']} new badges")
        deadline = time.monotonic() + timeout
        with Progress(
            TextColumn("[bold]picked up"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console()
        ) as bar:
            task = bar.add_task("issued", total=None)
            while True:
                progress = client.get(f"/meetings/{meeting}/badges").json()
                bar.update(task, total=progress["total"], completed=picked_up(progress["counts"]))
                if batch_settled(progress) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
    summary = Table("state", "badges")
    for state, count in progress["counts"].items():
        summary.add_row(state, str(count))
    console().print(summary)
    for badge in progress["badges"]:
        if badge["state"] == "failed":
            console().print(f"[red]{badge['member_name']} ({badge['kind']}): {badge['failure_reason']}[/]")
    waiting = {badge["member_id"] for badge in progress["badges"] if badge["state"] == "pending"}
    if waiting:
        with organizer_client(url, api_key) as client:
            links = claim_links_of(client, meeting)
        console().print(f"{len(waiting)} members have no wallet connected yet: send them their claim links.")
        print_claim_links([link for link in links if link["member_id"] in waiting])


def claim_links_of(client: "httpx.Client", meeting: int) -> list[dict]:
    response = client.get(f"/meetings/{meeting}/claim-links")
    if response.status_code != 200:
        console().print(f"[red]{response.status_code}: {response.json().get('detail', response.text)}[/]")
        raise typer.Exit(code=1)
    return response.json()


def print_claim_links(links: list[dict]) -> None:
    """One member a line, tab-separated for scripts and spreadsheets (Rich would turn tabs into spaces):
    name, email, link."""
    for link in links:
        claim_url = link["claim_url"] or (
            f"(no link on record: make a new one on the meeting page, or POST /members/{link['member_id']}/claim-link)"
        )
        print(f"{link['name']}\t{link['email'] or ''}\t{claim_url}")


@app.command()
def links(
    meeting: int = typer.Option(..., "--meeting", help="Id of the meeting whose attendees' links to print."),
    url: str = typer.Option(
        None,
        help="The service's URL (default: the one the service running on this data directory serves, else the settings').",
    ),
    api_key: str = typer.Option(None, envvar="VC_SERVICE_ADMIN_API_KEY", help="Organizer key."),
) -> None:
    """Print each attendee's claim link (name, email, link), to send them."""
    import httpx

    with organizer_client(url, api_key) as client:
        try:
            found = claim_links_of(client, meeting)
        except httpx.TransportError as exc:
            console().print(f"[red]Cannot reach the service at {client.base_url}: {exc}[/]")
            raise typer.Exit(code=2) from exc
    print_claim_links(found)


sig_app = typer.Typer(
    help="The SIGs this service issues for: each has its own issuer DID, members, meetings and organizers.",
    no_args_is_help=True,
)
app.add_typer(sig_app, name="sig")


@sig_app.command("add")
def add_sig(
    name: str = typer.Argument(..., help="The SIG's name, as its badges' issuer profile shows it."),
    description: str = typer.Option("", help="Issuer profile: description."),
    url: str = typer.Option(None, help="Issuer profile: the SIG's web page."),
    slug: str = typer.Option(None, help="Short URL-safe name (default: made from the name)."),
) -> None:
    """Add a SIG; its issuer DID is made by the agent now if it runs, else at the service's next start."""
    import asyncio

    from .sig.service import InvalidSig

    try:
        sig, did = asyncio.run(_add_sig(name, description, url, slug))
    except InvalidSig as exc:
        console().print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console().print(
        f"SIG {sig.id} {sig.name}: slug {sig.slug}, issuer DID {did or '(made when the service next starts)'}"
    )
    console().print(f"Next: vc-service organizer add EMAIL --sig {sig.slug}")


async def _add_sig(name: str, description: str, url: str | None, slug: str | None):
    from .agent.admin_port import AdminPortGuard
    from .agent.client import AgentClient
    from .agent.errors import AgentError
    from .agent.supervisor import running_agent_pid
    from .issuer.identity import sig_issuer
    from .service_secrets import ServiceSecrets
    from .sig.service import create_sig

    current = settings()
    async with database_session() as session:
        sig = await create_sig(session, name, description, url, slug, actor="cli")
        agent_key = ServiceSecrets.load_or_create(
            current.data_dir, {"agent_admin_key": current.agent_admin_key}
        ).agent_admin_key
        # The key goes only to the running service's own agent (see agent/admin_port.py).
        transport = (
            None
            if current.agent_url
            else AdminPortGuard(current.agent_admin_port, running_agent_pid(current.data_dir)).transport()
        )
        try:
            async with AgentClient(
                current.agent_admin_url, agent_key, current.agent_request_timeout, transport
            ) as agent:
                return sig, (await sig_issuer(session, agent, sig, current)).did
        except AgentError:
            return sig, None  # the service makes it at its start, or at the SIG's first use


@sig_app.command("list")
def list_sigs() -> None:
    """Every SIG, one a line (whole, for scripts): id, slug, issuer DID, organizers, name."""
    import asyncio

    from rich.text import Text

    for sig, did, organizers in asyncio.run(_list_sigs()):
        console().print(
            Text(
                f"{sig.id}\t{sig.slug}\t{did or '(DID made when the service next starts)'}\t{organizers} organizers\t{sig.name}"
            )
        )


async def _list_sigs():
    from sqlalchemy import func, select

    from .issuer.identity import oldest_did
    from .organizers.models import OrganizerAccount
    from .sig.service import all_sigs

    async with database_session() as session:
        return [
            (
                sig,
                await oldest_did(session, sig.id),
                await session.scalar(
                    select(func.count()).select_from(OrganizerAccount).where(OrganizerAccount.sig_id == sig.id)
                ),
            )
            for sig in await all_sigs(session)
        ]


organizer_app = typer.Typer(help="Organizer accounts of the dashboard.", no_args_is_help=True)
app.add_typer(organizer_app, name="organizer")


SIG_OPTION = typer.Option(None, "--sig", help="Slug of the SIG (vc-service sig list); needed when there are several.")


def run_refusing(coroutine):
    """Run a command's work; a refusal (a bad email or password, an unknown SIG or organizer: each
    a ValueError or a LookupError) ends the command with its message and exit code 1."""
    import asyncio

    try:
        return asyncio.run(coroutine)
    except (LookupError, ValueError) as exc:
        console().print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc


@organizer_app.command("add")
def add_organizer(
    email: str = typer.Argument(..., help="The organizer's email: their sign-in name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    sig: str = SIG_OPTION,
) -> None:
    """Create an organizer account for a SIG (asks for the password)."""
    password = read_password(password_stdin)
    account, chosen = run_refusing(_add_organizer(email, password, sig))
    console().print(f"Organizer {account.email} of {chosen.name} ({chosen.slug}) can sign in at {service_url()}/login")


def read_password(from_stdin: bool) -> str:
    return (
        sys.stdin.readline().rstrip("\n")
        if from_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )


@asynccontextmanager
async def database_session() -> AsyncIterator["AsyncSession"]:
    """A session on the service's database (migrated first), for commands that run beside the service."""
    from .db.engine import create_engine, session_factory
    from .db.migrate import upgrade_to_head

    engine = create_engine(settings().database)
    try:
        await upgrade_to_head(engine)
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _add_organizer(email: str, password: str, slug: str | None):
    from .organizers.service import create_account
    from .sig.service import choose_sig

    async with database_session() as session:
        sig = await choose_sig(session, slug)
        return await create_account(
            session, sig.id, email, password, actor="cli", min_score=settings().password_min_score
        ), sig


@organizer_app.command("password")
def set_organizer_password(
    email: str = typer.Argument(..., help="The organizer whose password it is."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    sig: str = SIG_OPTION,
) -> None:
    """Set an organizer's password (asks for it); every session of theirs is signed out."""
    password = read_password(password_stdin)
    address = run_refusing(_set_organizer_password(email, password, sig))
    console().print(f"Password of {address} changed; their sessions are signed out.")


async def _set_organizer_password(email: str, password: str, slug: str | None) -> str:
    from .organizers.service import change_password, find_organizer
    from .sig.service import choose_sig

    async with database_session() as session:
        account = await find_organizer(session, (await choose_sig(session, slug)).id, email)
        await change_password(session, account, password, "cli", min_score=settings().password_min_score)
        return account.email


def _set_organizer_disabled(email: str, sig: str | None, disabled: bool) -> None:
    async def run() -> str:
        from .organizers.service import find_organizer, set_disabled
        from .sig.service import choose_sig

        async with database_session() as session:
            account = await find_organizer(session, (await choose_sig(session, sig)).id, email)
            await set_disabled(session, account, disabled, "cli")
            return account.email

    address = run_refusing(run())
    done = "disabled: signed out, API keys refused, no sign-in" if disabled else "enabled"
    console().print(f"Organizer {address} {done}.")


@organizer_app.command("disable")
def disable_organizer(
    email: str = typer.Argument(..., help="The organizer to disable."), sig: str = SIG_OPTION
) -> None:
    """Disable an organizer: no sign-in, their sessions end, their API keys are refused (until enabled)."""
    _set_organizer_disabled(email, sig, True)


@organizer_app.command("enable")
def enable_organizer(
    email: str = typer.Argument(..., help="The organizer to enable again."), sig: str = SIG_OPTION
) -> None:
    """Enable a disabled organizer again."""
    _set_organizer_disabled(email, sig, False)


@organizer_app.command("key")
def create_organizer_key(
    email: str = typer.Argument(..., help="The organizer whose key it is."),
    label: str = typer.Option("api", help="What the key is for (shown in GET /organizer-keys)."),
    sig: str = SIG_OPTION,
) -> None:
    """Create an API key (X-API-Key) for an organizer; it is shown once, only its hash is kept.
    The key works for the organizer's SIG only."""
    api_key, key = run_refusing(_create_organizer_key(email, label, sig))
    console().print(f"API key {api_key.id} for {email} (shown once, keep it safe):")
    print(key)


async def _create_organizer_key(email: str, label: str, slug: str | None):
    from .organizers.keys import create_api_key
    from .organizers.service import find_organizer
    from .sig.service import choose_sig

    async with database_session() as session:
        account = await find_organizer(session, (await choose_sig(session, slug)).id, email)
        return await create_api_key(session, account, label, actor="cli")


@app.command()
def report(
    since: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="First day of the period (YYYY-MM-DD)."),
    until: datetime = typer.Option(
        None,
        formats=["%Y-%m-%d"],
        help="Last day of the period (default: none; meetings still to come are never counted).",
    ),
    csv_file: Path = typer.Option(None, "--csv", help="Also write the figures to this CSV file."),
    sig: str = SIG_OPTION,
) -> None:
    """The SIG's health report for a period: attendance, newcomers, badge pickup, talks, regions."""
    from rich.table import Column, Table
    from rich.text import Text

    from .reports.export import report_csv

    first, last = since.date(), until.date() if until else None
    if last is not None and last < first:
        console().print(f"[red]--until ({last}) is before --since ({first})[/]")
        raise typer.Exit(code=2)
    figures = run_refusing(_health_report(first, last, sig))
    # Titles, names and regions as Text: a str cell is Rich markup, where "[paper 3]" would vanish
    # and "[/]" stop the command.
    meetings = Table(
        "date", "meeting", Column("kind", no_wrap=True), "attendees", "new", "returning", title="Attendance per meeting"
    )
    for m in figures.meetings:
        meetings.add_row(str(m.date), Text(m.title), m.kind, str(m.attendees), str(m.new), str(m.returning))
    averages = Table("kind", "average attendance", title="Average attendance by kind")
    for kind, average in figures.average_by_kind.items():
        averages.add_row(kind, f"{average:g}")
    regions = Table("region", "attendees", title="Participation by region (self-declared)")
    for region, count in figures.regions.items():
        regions.add_row(Text(region), str(count))
    talks = Table("date", "talk", "presenter", title=f"Talks: {len(figures.talks)} by {figures.presenters} presenters")
    for talk in figures.talks:
        talks.add_row(str(talk["date"]), Text(talk["title"]), Text(talk["presenter"]))
    for table in (meetings, averages, regions, talks):
        console().print(table)
    pickup = (
        "no badge issued"
        if figures.pickup_rate is None
        else f"{figures.pickup_rate:.1%} ({figures.badges_picked_up} of {figures.badges_issued} picked up"
        + "".join(f"; {count} by {channel}" for channel, count in figures.picked_up_by_channel.items())
        + ")"
    )
    console().print(
        f"Members: {figures.new_members} new, {figures.returning_members} returning. Badge pickup: {pickup}."
    )
    stages = Table("badges now", "badges", title="Badges by stage")
    for stage, count in figures.badges_by_stage.items():
        stages.add_row(stage, str(count))
    console().print(stages)
    if csv_file:
        csv_file.write_text(report_csv(figures))
        console().print(f"CSV written to {csv_file}")


async def _health_report(since, until, slug: str | None):
    from .reports.queries import sig_health_report
    from .sig.service import choose_sig

    async with database_session() as session:
        return await sig_health_report(session, (await choose_sig(session, slug)).id, since, until)


ledger_app = typer.Typer(
    help="The development Indy ledger: a 4-node pool and a tails server on loopback.", no_args_is_help=True
)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("up")
def ledger_up(
    timeout: float = typer.Option(90, help="Seconds to wait until the pool answers a read."),
    owner_pid: int = typer.Option(None, help="Stop the pool also when this process ends (test runs)."),
) -> None:
    """Build (once) and start the development pool; print the settings that point the service at it."""
    import time

    from .ledger.pool import DevLedger, LedgerError

    ledger = DevLedger.from_settings(settings())
    started = time.monotonic()
    try:
        ledger.up(timeout, owner_pid)
    except LedgerError as exc:
        console().print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console().print(
        f"Ledger up in {time.monotonic() - started:.1f}s (pid {ledger.running_pid()}, log {ledger.log_path})"
    )
    for name, value in ledger.service_environment().items():
        console().print(f"export {name}={value}", highlight=False)


@ledger_app.command("down")
def ledger_down() -> None:
    """Stop the development pool and its tails server."""
    from .ledger.pool import DevLedger

    DevLedger.from_settings(settings()).down()
    console().print("Ledger down")


@ledger_app.command("status")
def ledger_status() -> None:
    """Whether the development pool runs and answers a read (exit code 1 if not)."""
    import asyncio

    from .ledger.pool import DevLedger

    ledger = DevLedger.from_settings(settings())
    pid = ledger.running_pid()
    if pid is None:
        console().print("Ledger not running")
        raise typer.Exit(code=1)
    answers = asyncio.run(ledger.answers_reads(timeout=15))  # a loaded machine answers slowly
    console().print(f"Ledger running (pid {pid}), {'answers reads' if answers else '[red]does not answer reads[/]'}")
    if not answers:
        raise typer.Exit(code=1)
