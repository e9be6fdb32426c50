"""The development Indy pool: build its venv, generate it once, start it, wait until it answers
reads, stop it. Production points VC_SERVICE_LEDGER_GENESIS at a public network instead.

The pool runs as one process group: a runner (``vc_service.ledger.runner``, in its own session
so it outlives the command that started it) with the 4 nodes as its children and the tails
server inside it. Stopping signals the whole group, so no node is left behind.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..settings import PROJECT_DIR, Settings

LEDGER_TOOLS = PROJECT_DIR / "ledger"
LEDGER_VENV = PROJECT_DIR / ".ledger-venv"
LEDGER_PYTHON = LEDGER_VENV / "bin" / "python"
# Steward1 of a generated pool (as in von-network): it may write schemas and definitions.
STEWARD_DID = "Th7MpTaRZVRYnPiabds81Y"
STEWARD_SEED = "000000000000000000000000Steward1"
STOP_GRACE_SECONDS = 10.0


class LedgerError(Exception):
    """The development pool could not be built, started or reached."""


@dataclass(frozen=True)
class NodeAddress:
    name: str
    node_port: int
    client_port: int


@dataclass(frozen=True)
class DevLedger:
    directory: Path
    port: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "DevLedger":
        return cls(settings.dev_ledger_dir.resolve(), settings.dev_ledger_port)

    @property
    def pool_dir(self) -> Path:
        return self.directory / "pool"

    @property
    def genesis_path(self) -> Path:
        return self.pool_dir / "ledger" / "sandbox" / "pool_transactions_genesis"

    @property
    def tails_dir(self) -> Path:
        return self.directory / "tails"

    @property
    def tails_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.directory / "ledger.log"

    @property
    def _pid_path(self) -> Path:
        return self.directory / "ledger.pid"

    def service_environment(self) -> dict[str, str]:
        """The settings that point the service at this pool, as its issuer."""
        return {
            "VC_SERVICE_LEDGER_GENESIS": str(self.genesis_path),
            "VC_SERVICE_LEDGER_SEED": STEWARD_SEED,
            "VC_SERVICE_TAILS_SERVER_URL": self.tails_url,
        }

    def nodes(self) -> list[NodeAddress]:
        """The nodes and their ports, as the genesis transactions name them."""
        nodes = []
        for line in self.genesis_path.read_text().splitlines():
            if line.strip():
                data = json.loads(line)["txn"]["data"]["data"]
                nodes.append(NodeAddress(data["alias"], data["node_port"], data["client_port"]))
        return nodes

    def running_pid(self) -> int | None:
        """The runner's pid (its process group's id), if the pool runs."""
        try:
            pid = int(self._pid_path.read_text())
            os.killpg(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def up(self, timeout: float = 90.0, owner_pid: int | None = None) -> None:
        """Build what is missing, start the pool and return once it answers a read.

        With ``owner_pid``, the pool also stops when that process ends (a test run that is
        killed before it can say ``down``)."""
        if self.running_pid():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        _run([str(LEDGER_TOOLS / "install-venv.sh"), str(LEDGER_VENV)], "building the ledger venv")
        if not self.genesis_path.exists():
            _run(
                [
                    str(LEDGER_PYTHON),
                    str(LEDGER_TOOLS / "indy_dev_pool.py"),
                    "generate",
                    str(self.pool_dir),
                    str(self.port),
                ],
                "generating the pool",
            )
        with self.log_path.open("ab") as log:
            runner = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "vc_service.ledger.runner",
                    str(self.directory),
                    str(self.port),
                    str(owner_pid or 0),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._pid_path.write_text(str(runner.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if runner.poll() is not None:
                self._pid_path.unlink(missing_ok=True)
                raise LedgerError(f"the pool stopped while starting; see {self.log_path}:\n{self._log_tail()}")
            if asyncio.run(self.answers_reads()):
                return
            time.sleep(0.5)
        self.down()
        raise LedgerError(f"the pool did not answer a read in {timeout:.0f}s; see {self.log_path}:\n{self._log_tail()}")

    def down(self) -> None:
        """Stop the runner, the nodes and the tails server; wait until all are gone."""
        pid = self.running_pid()
        if pid is None:
            return
        os.killpg(pid, signal.SIGTERM)
        if not _group_gone_within(pid, STOP_GRACE_SECONDS):
            os.killpg(pid, signal.SIGKILL)
            _group_gone_within(pid, STOP_GRACE_SECONDS)
        self._pid_path.unlink(missing_ok=True)

    async def answers_reads(self, timeout: float = 5.0) -> bool:
        """A GET_NYM of Steward1 succeeds: the pool has finished its start and answers clients."""
        from indy_vdr import VdrError, ledger, open_pool

        try:
            pool = await asyncio.wait_for(open_pool(transactions_path=str(self.genesis_path)), timeout)
            try:
                reply = await asyncio.wait_for(
                    pool.submit_request(ledger.build_get_nym_request(None, STEWARD_DID)), timeout
                )
            finally:
                pool.close()
        except (VdrError, TimeoutError):
            return False
        return bool(reply.get("data"))

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise LedgerError(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")


def _group_gone_within(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False
