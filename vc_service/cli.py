"""``vc-service``: the command line of the service."""

import asyncio
import logging
import time

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .issuance.progress import batch_settled
from .main import create_app
from .service_secrets import ServiceSecrets
from .settings import get_settings

app = typer.Typer(help="SIG Credentials: issue and verify a SIG's badges through ACA-Py.", no_args_is_help=True)
console = Console(soft_wrap=True)


@app.callback()
def main() -> None:
    """Settings come from VC_SERVICE_* environment variables (see the README)."""


@app.command()
def up() -> None:
    """Start the agent and the API; Ctrl-C stops both."""
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per agent call is noise
    config = uvicorn.Config(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            console.print(f"[bold green]SIG Credentials is up[/]  API {settings.base_url}/docs")
            console.print(f"  issuer     {settings.base_url}/issuer")
            console.print(f"  readiness  {settings.base_url}/readyz")
            console.print(f"  agent      admin API on {settings.agent_admin_url} (loopback only), "
                          f"DIDComm at {settings.agent_endpoint_url}")
            console.print(f"  data       {settings.data_dir.resolve()} (organizer key in secrets.json "
                          "unless VC_SERVICE_ADMIN_API_KEY is set)")
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
    waiting = [badge for badge in progress["badges"] if badge["state"] == "pending"]
    if waiting:
        console.print(f"{len(waiting)} members have no wallet connected yet: send them their claim links.")
