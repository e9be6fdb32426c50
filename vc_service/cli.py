"""``vc-service``: the command line of the service."""

import asyncio
import logging

import typer
import uvicorn
from rich.console import Console

from .main import create_app
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
