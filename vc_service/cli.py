"""``vc-service``: the command line of the service."""

import asyncio
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table
from rich.text import Text
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .agent.admin_port import AdminPortGuard
from .agent.client import AgentClient
from .agent.errors import AgentError
from .agent.supervisor import running_agent_pid
from .db.engine import create_engine, session_factory
from .db.migrate import upgrade_to_head
from .http.access_log import redact_access_log
from .issuance.progress import batch_settled
from .issuer.identity import oldest_did, sig_issuer
from .ledger.pool import DevLedger, LedgerError
from .main import create_app
from .members.service import InvalidMember
from .organizers.keys import create_api_key
from .organizers.models import OrganizerAccount
from .organizers.service import InvalidAccount, change_password, create_account, find_organizer, set_disabled
from .reports.export import report_csv
from .reports.queries import sig_health_report
from .service_secrets import ServiceSecrets
from .settings import get_settings
from .sig.service import InvalidSig, all_sigs, choose_sig, create_sig

app = typer.Typer(help="SIG Credentials: issue and verify a SIG's badges through ACA-Py.", no_args_is_help=True)
console = Console(soft_wrap=True, emoji=False)  # a DID holds ":key:", which is no emoji here


@app.callback()
def main() -> None:
    """Settings come from VC_SERVICE_* environment variables (see the README)."""


@app.command()
def up() -> None:
    """Start the agent and the API; Ctrl-C stops both."""
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per agent call is noise
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # at debug: every statement's values, tokens included
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        # X-Forwarded-For only from the proxies named; uvicorn would trust any from loopback.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies,
    )
    redact_access_log()  # after uvicorn has set up its loggers
    server = uvicorn.Server(config)

    async def serve() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            console.print(f"[bold green]SIG Credentials is up[/]  API {settings.base_url}/docs")
            console.print(f"  issuer     {settings.base_url}/issuer")
            console.print(f"  readiness  {settings.base_url}/readyz")
            if settings.agent_url:  # its DIDComm endpoint is that agent's own setting, unknown here
                console.print(f"  agent      admin API on {settings.agent_admin_url} (run elsewhere)")
            else:
                console.print(
                    f"  agent      admin API on {settings.agent_admin_url} (loopback only), "
                    f"DIDComm at {settings.agent_endpoint_url}"
                )
            console.print(
                f"  data       {settings.data_dir.resolve()} (organizer key in secrets.json "
                "unless VC_SERVICE_ADMIN_API_KEY is set)"
            )
        await serving

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its clean shutdown; that is a normal exit here
    if not server.started:
        raise typer.Exit(code=1)


def organizer_client(url: str | None, api_key: str | None) -> httpx.Client:
    settings = get_settings()
    key = api_key or settings.admin_api_key or ServiceSecrets.load_or_create(settings.data_dir).organizer_key
    return httpx.Client(base_url=url or settings.base_url, headers={"X-API-Key": key}, timeout=30)


@app.command()
def issue(
    meeting: int = typer.Option(..., "--meeting", help="Id of the meeting whose badges to issue."),
    url: str = typer.Option(None, help="The service's URL (default: from the settings)."),
    api_key: str = typer.Option(None, envvar="VC_SERVICE_ADMIN_API_KEY", help="Organizer key."),
    timeout: float = typer.Option(600, help="Seconds to follow the progress before leaving it running."),
) -> None:
    """Issue every badge of a meeting and follow the progress (safe to run again)."""
    with organizer_client(url, api_key) as client:
        try:
            started = client.post(f"/meetings/{meeting}/issue")
        except httpx.TransportError as exc:
            console.print(f"[red]Cannot reach the service at {client.base_url}: {exc}[/]")
            raise typer.Exit(code=2) from exc
        if started.status_code != 202:
            console.print(f"[red]{started.status_code}: {started.json().get('detail', started.text)}[/]")
            raise typer.Exit(code=1)
        console.print(f"Job {started.json()['job_id']}: {started.json()['badges_added']} new badges")
        deadline = time.monotonic() + timeout
        with Progress(
            TextColumn("[bold]issued"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("issued", total=None)
            while True:
                progress = client.get(f"/meetings/{meeting}/badges").json()
                bar.update(task, total=progress["total"], completed=progress["counts"]["issued"])
                if batch_settled(progress) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
    summary = Table("state", "badges")
    for state, count in progress["counts"].items():
        summary.add_row(state, str(count))
    console.print(summary)
    for badge in progress["badges"]:
        if badge["state"] == "failed":
            console.print(f"[red]{badge['member_name']} ({badge['kind']}): {badge['failure_reason']}[/]")
    waiting = {badge["member_id"] for badge in progress["badges"] if badge["state"] == "pending"}
    if waiting:
        with organizer_client(url, api_key) as client:
            links = claim_links_of(client, meeting)
        console.print(f"{len(waiting)} members have no wallet connected yet: send them their claim links.")
        print_claim_links([link for link in links if link["member_id"] in waiting])


def claim_links_of(client: httpx.Client, meeting: int) -> list[dict]:
    response = client.get(f"/meetings/{meeting}/claim-links")
    if response.status_code != 200:
        console.print(f"[red]{response.status_code}: {response.json().get('detail', response.text)}[/]")
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
    url: str = typer.Option(None, help="The service's URL (default: from the settings)."),
    api_key: str = typer.Option(None, envvar="VC_SERVICE_ADMIN_API_KEY", help="Organizer key."),
) -> None:
    """Print each attendee's claim link (name, email, link), to send them."""
    with organizer_client(url, api_key) as client:
        try:
            found = claim_links_of(client, meeting)
        except httpx.TransportError as exc:
            console.print(f"[red]Cannot reach the service at {client.base_url}: {exc}[/]")
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
    try:
        sig, did = asyncio.run(_add_sig(name, description, url, slug))
    except InvalidSig as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console.print(
        f"SIG {sig.id} {sig.name}: slug {sig.slug}, issuer DID {did or '(made when the service next starts)'}"
    )
    console.print(f"Next: vc-service organizer add EMAIL --sig {sig.slug}")


async def _add_sig(name: str, description: str, url: str | None, slug: str | None):
    settings = get_settings()
    async with database_session() as session:
        sig = await create_sig(session, name, description, url, slug, actor="cli")
        agent_key = ServiceSecrets.load_or_create(
            settings.data_dir, {"agent_admin_key": settings.agent_admin_key}
        ).agent_admin_key
        # The key goes only to the running service's own agent (see agent/admin_port.py).
        transport = (
            None
            if settings.agent_url
            else AdminPortGuard(settings.agent_admin_port, running_agent_pid(settings.data_dir)).transport()
        )
        try:
            async with AgentClient(
                settings.agent_admin_url, agent_key, settings.agent_request_timeout, transport
            ) as agent:
                return sig, (await sig_issuer(session, agent, sig, settings)).did
        except AgentError:
            return sig, None  # the service makes it at its start, or at the SIG's first use


@sig_app.command("list")
def list_sigs() -> None:
    """Every SIG, one a line (whole, for scripts): id, slug, issuer DID, organizers, name."""
    for sig, did, organizers in asyncio.run(_list_sigs()):
        console.print(
            Text(
                f"{sig.id}\t{sig.slug}\t{did or '(DID made when the service next starts)'}\t{organizers} organizers\t{sig.name}"
            )
        )


async def _list_sigs():
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


@organizer_app.command("add")
def add_organizer(
    email: str = typer.Argument(..., help="The organizer's email: their sign-in name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    sig: str = SIG_OPTION,
) -> None:
    """Create an organizer account for a SIG (asks for the password)."""
    password = read_password(password_stdin)
    try:
        account, chosen = asyncio.run(_add_organizer(email, password, sig))
    except (InvalidAccount, InvalidMember, LookupError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console.print(
        f"Organizer {account.email} of {chosen.name} ({chosen.slug}) can sign in at {get_settings().base_url}/login"
    )


def read_password(from_stdin: bool) -> str:
    return (
        sys.stdin.readline().rstrip("\n")
        if from_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )


@asynccontextmanager
async def database_session() -> AsyncIterator[AsyncSession]:
    """A session on the service's database (migrated first), for commands that run beside the service."""
    engine = create_engine(get_settings().database)
    try:
        await upgrade_to_head(engine)
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _add_organizer(email: str, password: str, slug: str | None):
    async with database_session() as session:
        sig = await choose_sig(session, slug)
        return await create_account(
            session, sig.id, email, password, actor="cli", min_score=get_settings().password_min_score
        ), sig


@organizer_app.command("password")
def set_organizer_password(
    email: str = typer.Argument(..., help="The organizer whose password it is."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    sig: str = SIG_OPTION,
) -> None:
    """Set an organizer's password (asks for it); every session of theirs is signed out."""
    password = read_password(password_stdin)
    try:
        address = asyncio.run(_set_organizer_password(email, password, sig))
    except (InvalidAccount, InvalidMember, LookupError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console.print(f"Password of {address} changed; their sessions are signed out.")


async def _set_organizer_password(email: str, password: str, slug: str | None) -> str:
    async with database_session() as session:
        account = await find_organizer(session, (await choose_sig(session, slug)).id, email)
        await change_password(session, account, password, "cli", min_score=get_settings().password_min_score)
        return account.email


def _set_organizer_disabled(email: str, sig: str | None, disabled: bool) -> None:
    async def run() -> str:
        async with database_session() as session:
            account = await find_organizer(session, (await choose_sig(session, sig)).id, email)
            await set_disabled(session, account, disabled, "cli")
            return account.email

    try:
        address = asyncio.run(run())
    except (InvalidMember, LookupError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    done = "disabled: signed out, API keys refused, no sign-in" if disabled else "enabled"
    console.print(f"Organizer {address} {done}.")


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
    try:
        api_key, key = asyncio.run(_create_organizer_key(email, label, sig))
    except (LookupError, InvalidMember) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console.print(f"API key {api_key.id} for {email} (shown once, keep it safe):")
    print(key)


async def _create_organizer_key(email: str, label: str, slug: str | None):
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
    first, last = since.date(), until.date() if until else None
    if last is not None and last < first:
        console.print(f"[red]--until ({last}) is before --since ({first})[/]")
        raise typer.Exit(code=2)
    try:
        figures = asyncio.run(_health_report(first, last, sig))
    except LookupError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
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
        console.print(table)
    pickup = (
        "no badge offered"
        if figures.pickup_rate is None
        else f"{figures.pickup_rate:.1%} ({figures.badges_issued} of {figures.badges_offered})"
    )
    console.print(f"Members: {figures.new_members} new, {figures.returning_members} returning. Badge pickup: {pickup}.")
    if csv_file:
        csv_file.write_text(report_csv(figures))
        console.print(f"CSV written to {csv_file}")


async def _health_report(since, until, slug: str | None):
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
    ledger = DevLedger.from_settings(get_settings())
    started = time.monotonic()
    try:
        ledger.up(timeout, owner_pid)
    except LedgerError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    console.print(f"Ledger up in {time.monotonic() - started:.1f}s (pid {ledger.running_pid()}, log {ledger.log_path})")
    for name, value in ledger.service_environment().items():
        console.print(f"export {name}={value}", highlight=False)


@ledger_app.command("down")
def ledger_down() -> None:
    """Stop the development pool and its tails server."""
    DevLedger.from_settings(get_settings()).down()
    console.print("Ledger down")


@ledger_app.command("status")
def ledger_status() -> None:
    """Whether the development pool runs and answers a read (exit code 1 if not)."""
    ledger = DevLedger.from_settings(get_settings())
    pid = ledger.running_pid()
    if pid is None:
        console.print("Ledger not running")
        raise typer.Exit(code=1)
    answers = asyncio.run(ledger.answers_reads(timeout=15))  # a loaded machine answers slowly
    console.print(f"Ledger running (pid {pid}), {'answers reads' if answers else '[red]does not answer reads[/]'}")
    if not answers:
        raise typer.Exit(code=1)
