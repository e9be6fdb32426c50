"""Runs the embedded ACA-Py agent as a child process: start, wait until ready, restart, stop.

Secrets reach the agent through its environment (``ACAPY_*``), never its command line, so
they do not show in the process list. The child asks the kernel to be killed when the
controller dies (``PR_SET_PDEATHSIG``), so even a killed controller leaves no agent behind.
"""

import asyncio
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from ..service_secrets import ServiceSecrets
from ..contexts.service import context_directories
from ..settings import Settings
from .client import AgentClient
from .errors import AgentError, AgentStartError

LOGGER = logging.getLogger(__name__)
ARG_FILE = "issuer.yml"
PLUGIN_CONFIG_FILE = "plugin-config.yml"
STOP_GRACE_SECONDS = 10.0
RESTART_BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
PR_SET_PDEATHSIG = 1


def agent_command(settings: Settings, arg_file: str = ARG_FILE) -> list[str]:
    config_dir = settings.agent_config_dir.resolve()
    return [
        sys.executable, "-m", "acapy_agent", "start",
        "--arg-file", str(config_dir / arg_file),
        "--plugin-config", str(config_dir / PLUGIN_CONFIG_FILE),
        "-o", "pinned_contexts.directories=" + json.dumps(context_directories(settings)),
        "--admin", "127.0.0.1", str(settings.agent_admin_port),
        "--inbound-transport", "http", settings.agent_inbound_host, str(settings.agent_inbound_port),
        "--endpoint", settings.agent_endpoint_url,
        "--log-level", settings.log_level,
    ]  # fmt: skip


def agent_environment(settings: Settings, secrets: ServiceSecrets, webhook_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ACAPY_HOME": str((settings.data_dir / "agent").resolve()),
        "ACAPY_ADMIN_API_KEY": secrets.agent_admin_key,
        "ACAPY_WALLET_KEY": secrets.wallet_key,
        "ACAPY_WEBHOOK_URL": f"{webhook_url}#{secrets.webhook_key}",
    }


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class AgentSupervisor:
    """One agent process; restarted with backoff if it exits while the controller runs."""

    def __init__(
        self, command: list[str], environment: dict[str, str], log_path: Path, client: AgentClient,
        start_timeout: float,
    ) -> None:  # fmt: skip
        self._command = command
        self._environment = environment
        self._log_path = log_path
        self._client = client
        self._start_timeout = start_timeout
        self._process: subprocess.Popen | None = None
        self._watch: asyncio.Task | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> None:
        """Start the agent and return once its admin API reports ready."""
        await self._spawn_and_wait()
        self._watch = asyncio.create_task(self._restart_on_exit())

    async def stop(self) -> None:
        self._stopping = True
        if self._watch:
            self._watch.cancel()
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(asyncio.to_thread(self._process.wait), STOP_GRACE_SECONDS)
            except TimeoutError:
                LOGGER.warning("agent did not stop in %ss; killing it", STOP_GRACE_SECONDS)
                self._process.kill()
                await asyncio.to_thread(self._process.wait)

    async def _spawn_and_wait(self) -> None:
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self._command, env=self._environment, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                # Its own session: a terminal's Ctrl-C reaches the controller, which stops the
                # agent itself, in order, instead of both racing to exit.
                start_new_session=True,
            )  # fmt: skip
        LOGGER.info("agent started (pid %s), log %s", self._process.pid, self._log_path)
        deadline = asyncio.get_running_loop().time() + self._start_timeout
        while asyncio.get_running_loop().time() < deadline:
            if self._process.poll() is not None:
                raise AgentStartError(
                    f"agent exited with code {self._process.returncode} while starting; "
                    f"last lines of {self._log_path}:\n{self._log_tail()}"
                )
            try:
                if await self._client.is_ready():
                    return
            except AgentError:
                pass  # not listening yet
            await asyncio.sleep(0.25)
        self._process.kill()
        raise AgentStartError(
            f"agent not ready after {self._start_timeout}s; last lines of {self._log_path}:\n"
            f"{self._log_tail()}"
        )

    async def _restart_on_exit(self) -> None:
        attempt = 0
        while not self._stopping:
            returncode = await asyncio.to_thread(self._process.wait)
            if self._stopping:
                return
            delay = RESTART_BACKOFF_SECONDS[min(attempt, len(RESTART_BACKOFF_SECONDS) - 1)]
            LOGGER.error("agent exited with code %s; restarting in %ss", returncode, delay)
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
