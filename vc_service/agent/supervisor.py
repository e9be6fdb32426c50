"""Runs the embedded ACA-Py agent as its own process: start, wait until ready, restart, stop.

Secrets reach the agent through its environment (``ACAPY_*``), never its command line, so
they do not show in the process list. A stop (Ctrl-C) stops the agent too. A controller that
crashes leaves its agent running on purpose: the agent finishes the exchanges it is in (its
outbound messages live only in its memory), and the next start adopts it through the pid
file in the data directory and reconciles with what it did meanwhile.
"""

import asyncio
import getpass
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from ..contexts.service import context_directories
from ..service_secrets import ServiceSecrets
from ..settings import Settings
from .admin_port import AdminPortGuard
from .client import AgentClient
from .errors import AgentError, AgentStartError

LOGGER = logging.getLogger(__name__)
ARG_FILE = "issuer.yml"
PLUGIN_CONFIG_FILE = "plugin-config.yml"
LOGGING_CONFIG_FILE = "agent-logging.yml"
PID_FILE = "agent.pid"
STOP_GRACE_SECONDS = 10.0
RESTART_BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
START_RETRY_SECONDS = (2.0, 5.0)


class AgentExitedWhileStarting(AgentStartError):
    pass


def agent_command(settings: Settings, arg_file: str = ARG_FILE) -> list[str]:
    config_dir = settings.agent_config_dir.resolve()
    return [
        sys.executable,
        "-m",
        "acapy_agent",
        "start",
        "--arg-file",
        str(config_dir / arg_file),
        "--plugin-config",
        str(config_dir / PLUGIN_CONFIG_FILE),
        "--log-config",
        str(config_dir / LOGGING_CONFIG_FILE),
        "-o",
        "pinned_contexts.directories=" + json.dumps(context_directories(settings)),
        "--admin",
        "127.0.0.1",
        str(settings.agent_admin_port),
        "--inbound-transport",
        "http",
        settings.agent_inbound_host,
        str(settings.agent_inbound_port),
        "--endpoint",
        settings.agent_endpoint_url,
        "--log-level",
        settings.log_level,
        *ledger_arguments(settings),
    ]


def wallet_storage_environment(database_url: str, max_connections: int = 10) -> dict[str, str]:
    """With a PostgreSQL controller database, the agent's askar wallet lives on the same server.

    Askar names the wallet's database after the wallet: ``<controller database>_wallet``, so
    several services share one server without sharing a wallet. Credentials go through the
    environment, never the command line (which ``ps`` shows). ACA-Py gives up on a wallet
    session it cannot open within 10 s, so an agent that takes many exchanges at once (a test
    wallet standing in for a whole meeting's members) needs a larger pool.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return {}
    account = url.username or getpass.getuser()
    creds = {
        "account": account,
        "password": url.password or "",
        "admin_account": account,
        "admin_password": url.password or "",
    }
    return {
        "ACAPY_WALLET_NAME": f"{url.database}_wallet",
        "ACAPY_WALLET_STORAGE_TYPE": "postgres_storage",
        "ACAPY_WALLET_STORAGE_CONFIG": json.dumps(
            {"url": f"{url.host or 'localhost'}:{url.port or 5432}", "max_connections": max_connections}
        ),
        "ACAPY_WALLET_STORAGE_CREDS": json.dumps(creds),
    }


def ledger_arguments(settings: Settings) -> list[str]:
    """No ledger (JSON-LD badges only), or an Indy network and what AnonCreds revocation needs.

    An AnonCreds wallet (``askar-anoncreds``) is what lets the agent register schemas and
    credential definitions; ACA-Py refuses both without a ledger.
    """
    if not settings.ledger_genesis:
        return ["--no-ledger"]
    genesis = "--genesis-url" if settings.ledger_genesis.startswith(("http://", "https://")) else "--genesis-file"
    arguments = ["--wallet-type", "askar-anoncreds", genesis, settings.ledger_genesis]
    if settings.tails_server_url:
        arguments += [
            "--tails-server-base-url",
            settings.tails_server_url,
            "--tails-server-upload-url",
            settings.tails_server_url,
        ]
    return arguments


def agent_environment(settings: Settings, secrets: ServiceSecrets, webhook_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ACAPY_HOME": str((settings.data_dir / "agent").resolve()),
        "ACAPY_ADMIN_API_KEY": secrets.agent_admin_key,
        "ACAPY_WALLET_KEY": secrets.wallet_key,
        "ACAPY_WEBHOOK_URL": f"{webhook_url}#{secrets.webhook_key}",
        **wallet_storage_environment(settings.database),
        # The seed of the issuer's public DID on the ledger: a secret, so not on the command line.
        **({"ACAPY_WALLET_SEED": settings.ledger_seed} if settings.ledger_genesis and settings.ledger_seed else {}),
    }


async def wait_until_ready(client: AgentClient, timeout: float) -> None:
    """An agent someone else runs (docker-compose): wait until it answers ready, or say why not."""
    deadline = asyncio.get_running_loop().time() + timeout
    problem = "no answer"
    while asyncio.get_running_loop().time() < deadline:
        try:
            if await client.is_ready():
                return
            problem = "it answers, but is not ready"
        except AgentError as exc:
            problem = str(exc)
        await asyncio.sleep(0.5)
    raise AgentStartError(f"the agent at {client.base_url} is not ready after {timeout}s: {problem}")


class AgentSupervisor:
    """One agent process; restarted with backoff if it exits while the controller runs."""

    def __init__(
        self,
        command: list[str],
        environment: dict[str, str],
        data_dir: Path,
        client: AgentClient,
        start_timeout: float,
        port_guard: AdminPortGuard,
    ) -> None:
        self._command = command
        self._environment = environment
        self._log_path = data_dir / "agent.log"
        self._pid_path = data_dir / PID_FILE
        self._client = client
        self._start_timeout = start_timeout
        self._port_guard = port_guard  # the client's: it sends the key only to this process's port
        self._pid: int | None = None
        self._watch: asyncio.Task | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._pid

    def _set_pid(self, pid: int | None) -> None:
        self._pid = self._port_guard.agent_pid = pid

    async def start(self) -> None:
        """Adopt the agent a crashed controller left, or start one; return once it is ready.

        An agent that exits while starting is started again a few times: what it needs at start
        (a ledger that answers writes, a database) can be briefly away.
        """
        if not await self._adopt():
            for delay in (*START_RETRY_SECONDS, None):
                try:
                    await self._spawn_and_wait()
                    break
                except AgentExitedWhileStarting as exc:
                    if delay is None:
                        raise
                    LOGGER.warning("%s; starting it again in %ss", str(exc).splitlines()[0], delay)
                    await asyncio.sleep(delay)
        self._watch = asyncio.create_task(self._restart_on_exit())

    async def stop(self) -> None:
        self._stopping = True
        if self._watch:
            self._watch.cancel()
        if self._pid is None or not _alive(self._pid):
            return
        os.kill(self._pid, signal.SIGTERM)
        if not await _gone_within(self._pid, STOP_GRACE_SECONDS):
            LOGGER.warning("agent did not stop in %ss; killing it", STOP_GRACE_SECONDS)
            os.kill(self._pid, signal.SIGKILL)
            await _gone_within(self._pid, STOP_GRACE_SECONDS)
        self._pid_path.unlink(missing_ok=True)

    async def _adopt(self) -> bool:
        pid = running_agent_pid(self._pid_path.parent)
        if pid is None:
            return False
        self._set_pid(pid)  # before the key goes to its port
        try:
            ready = await self._client.is_ready()  # answers only to this data directory's key
        except AgentError:
            ready = False
        if not ready:
            self._set_pid(None)
        else:
            LOGGER.info("adopted the running agent (pid %s) left by a previous controller", pid)
        return ready

    async def _spawn_and_wait(self) -> None:
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            process = subprocess.Popen(
                self._command,
                env=self._environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own session: a terminal's Ctrl-C reaches the controller, which stops the
                # agent itself, in order; a crash of the controller leaves it working.
                start_new_session=True,
            )
        self._set_pid(process.pid)
        self._pid_path.write_text(str(process.pid))
        LOGGER.info("agent started (pid %s), log %s", process.pid, self._log_path)
        deadline = asyncio.get_running_loop().time() + self._start_timeout
        while asyncio.get_running_loop().time() < deadline:
            if process.poll() is not None:
                raise AgentExitedWhileStarting(
                    f"agent exited with code {process.returncode} while starting; "
                    f"last lines of {self._log_path}:\n{self._log_tail()}"
                )
            try:
                if await self._client.is_ready():
                    return
            except AgentError:
                pass  # not listening yet
            await asyncio.sleep(0.25)
        process.kill()
        raise AgentStartError(
            f"agent not ready after {self._start_timeout}s; last lines of {self._log_path}:\n{self._log_tail()}"
        )

    async def _restart_on_exit(self) -> None:
        attempt = 0
        while not self._stopping:
            while _alive(self._pid):
                await asyncio.sleep(0.5)
            if self._stopping:
                return
            delay = RESTART_BACKOFF_SECONDS[min(attempt, len(RESTART_BACKOFF_SECONDS) - 1)]
            LOGGER.error("agent (pid %s) exited; restarting in %ss", self._pid, delay)
            await asyncio.sleep(delay)
            try:
                await self._spawn_and_wait()
                attempt = 0
            except AgentStartError as exc:
                LOGGER.error("%s", exc)
                attempt += 1

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def running_agent_pid(data_dir: Path) -> int | None:
    """The agent process the data directory's pid file names, if it runs and is an agent."""
    try:
        pid = int((data_dir / PID_FILE).read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) and b"acapy_agent" in _cmdline(pid) else None


def _alive(pid: int | None) -> bool:
    """Running and not a zombie (a reaped or exited child is not alive)."""
    if pid is None:
        return False
    try:
        os.waitpid(pid, os.WNOHANG)  # reap our own child if it exited
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


async def _gone_within(pid: int, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if not _alive(pid):
            return True
        await asyncio.sleep(0.1)
    return False
