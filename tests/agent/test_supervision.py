"""The embedded agent's life: started with the API, stopped with it, restarted when it dies.

Each test runs its own `vc-service up`, because each ends the service one way or another.
"""

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from vc_service.agent.admin_port import AdminPortGuard, ForeignAdminPort
from vc_service.agent.client import AgentClient
from vc_service.agent.errors import AgentUnavailable

from ..support import RunningService, is_running, wait_for, wait_until_gone

pytestmark = pytest.mark.agents  # starts the service or agents itself


@pytest.fixture
def fresh(tmp_path, database_url) -> RunningService:
    running = RunningService(data_dir=tmp_path / "data", database_url=database_url)
    running.start()
    yield running
    running.close()


def test_ctrl_c_stops_api_and_agent_and_a_restart_keeps_the_issuer_did(fresh):
    did = fresh.client().get("/issuer").json()["did"]
    assert did.startswith("did:key:z6Mk")  # an Ed25519 did:key
    agent_pid = fresh.agent_pid()

    assert fresh.stop(signal.SIGINT) == 0  # Ctrl-C to the whole foreground group
    assert wait_until_gone(agent_pid), "agent process outlived the controller"
    assert "Application shutdown complete" in (fresh.data_dir / "service.log").read_text()

    fresh.start()
    assert fresh.client().get("/issuer").json()["did"] == did
    assert fresh.agent_pid() != agent_pid


def test_a_killed_controllers_agent_keeps_working_and_is_adopted(fresh):
    """A crash must not cut the agent's exchanges short: the next start takes the agent over."""
    did = fresh.client().get("/issuer").json()["did"]
    agent_pid = fresh.agent_pid()
    fresh.stop(signal.SIGKILL)
    assert is_running(agent_pid)
    fresh.start()
    assert fresh.agent_pid() == agent_pid
    assert fresh.client().get("/issuer").json()["did"] == did
    assert fresh.stop(signal.SIGINT) == 0
    assert wait_until_gone(agent_pid), "the adopted agent outlived a clean stop"


def test_a_crashed_agent_is_restarted(fresh):
    agent_pid = fresh.agent_pid()
    os.kill(agent_pid, signal.SIGKILL)
    assert wait_until_gone(agent_pid)
    with fresh.client() as client:

        def ready() -> bool:
            response = client.get("/readyz")
            assert response.status_code in (200, 503)  # 503 while the agent is down, never a 500
            return response.status_code == 200

        wait_for(ready, "the agent to be restarted", 30)  # backoff 1 s, a start 2-9 s
        assert fresh.agent_pid() != agent_pid
        assert client.get("/issuer").status_code == 200


def test_agent_admin_api_is_on_loopback_and_needs_the_generated_key(fresh):
    admin = f"http://127.0.0.1:{fresh.agent_admin_port}"
    assert httpx.get(f"{admin}/wallet/did").status_code == 401
    key = fresh.secrets()["agent_admin_key"]
    assert httpx.get(f"{admin}/wallet/did", headers={"X-API-Key": key}).status_code == 200
    cmdline = Path(f"/proc/{fresh.agent_pid()}/cmdline").read_bytes().split(b"\0")
    admin_args = cmdline[cmdline.index(b"--admin") + 1 : cmdline.index(b"--admin") + 3]
    assert admin_args == [b"127.0.0.1", str(fresh.agent_admin_port).encode()]
    # secrets travel in the environment, not on the command line where `ps` shows them
    assert not any(secret.encode() in b" ".join(cmdline) for secret in fresh.secrets().values())


def test_secrets_file_is_private_and_reused(fresh):
    path = fresh.data_dir / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = fresh.secrets()
    fresh.stop()
    fresh.start()
    assert fresh.secrets() == before


def test_the_wallet_is_on_the_controllers_backend_and_the_issuer_did_in_the_database(fresh, backend):
    """SQLite: the wallet file in the data directory. PostgreSQL (production): askar's postgres
    storage, in its own database beside the controller's, and no wallet file."""
    assert fresh.query("SELECT count(*) FROM issuer_dids") == [(1,)]
    wallet_files = list((fresh.data_dir / "agent").rglob("sqlite.db"))
    if backend == "postgresql":
        wallet_database = fresh.query("SELECT current_database()")[0][0] + "_wallet"
        assert fresh.query("SELECT count(*) FROM pg_database WHERE datname = :name", name=wallet_database) == [(1,)]
        assert wallet_files == []
    else:
        assert wallet_files == [fresh.data_dir / "agent" / "wallet" / "issuer" / "sqlite.db"]
    assert is_running(fresh.agent_pid())


async def test_an_agent_that_exits_while_starting_is_started_again_then_given_up(tmp_path, monkeypatch):
    from vc_service.agent import supervisor as supervision
    from vc_service.agent.client import AgentClient

    monkeypatch.setattr(supervision, "START_RETRY_SECONDS", (0.1, 0.1))
    command = [sys.executable, "-c", "print('starting'); raise SystemExit(1)"]
    async with AgentClient("http://127.0.0.1:9", "key", 1) as client:
        agent = supervision.AgentSupervisor(
            command, dict(os.environ), tmp_path, client, start_timeout=10, port_guard=AdminPortGuard(9)
        )
        with pytest.raises(supervision.AgentExitedWhileStarting, match="exited with code 1 while starting"):
            await agent.start()
    assert (tmp_path / "agent.log").read_text().count("starting") == 3  # the first try and two more


class RecordingListener:
    """Whoever binds a free admin port first: records every byte sent to it."""

    def __init__(self, port: int) -> None:
        self.server = wait_for(
            lambda: _bind(port), f"port {port} to be free", 0.9
        )  # the dead agent's socket lingers briefly
        self.received = bytearray()
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return  # closed
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    while chunk := connection.recv(65536):
                        self.received += chunk
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()


def _bind(port: int) -> socket.socket | None:
    try:
        return socket.create_server(("127.0.0.1", port))
    except OSError:
        return None


def test_a_process_that_takes_the_admin_port_while_the_agent_restarts_gets_no_key(fresh):
    """The port is free for the restart's back-off: the controller's requests must not reach
    whoever binds it then, and the real agent is used again once it is back."""
    agent_pid = fresh.agent_pid()
    os.kill(agent_pid, signal.SIGKILL)
    assert wait_until_gone(agent_pid)
    listener = RecordingListener(fresh.agent_admin_port)  # within the 1 s back-off
    try:
        with fresh.client() as client:
            for _ in range(5):
                assert client.get("/readyz").status_code == 503
        wait_for(lambda: fresh.agent_pid() != agent_pid, "the supervisor to start an agent again", 15)
        with fresh.client() as client:  # while the port stays taken, still nothing goes there
            assert client.get("/readyz").status_code == 503
    finally:
        listener.close()
    assert listener.connections > 0  # the controller did try that port...
    assert fresh.secrets()["agent_admin_key"].encode() not in listener.received
    assert listener.received == b""  # ...and sent nothing: no request, no key
    log = (fresh.data_dir / "service.log").read_text()
    assert f"127.0.0.1:{fresh.agent_admin_port}: its listening socket belongs to pid {os.getpid()}" in log
    with fresh.client() as client:
        wait_for(lambda: client.get("/readyz").status_code == 200, "the real agent to be back", 60)
        assert client.get("/issuer").status_code == 200


async def test_the_guard_accepts_the_agents_own_listener_and_refuses_another(caplog):
    with socket.create_server(("127.0.0.1", 0)) as server:
        guard = AdminPortGuard(server.getsockname()[1])
        guard.agent_pid = os.getpid()  # this process holds the listener: it is "the agent"
        guard.check("127.0.0.1")
        guard.agent_pid = os.getppid()  # or a child of the agent holds it (a server that forks)
        guard.check("127.0.0.1")
        # A live process that holds no socket at all: a pid that is not the listener's owner. It does
        # nothing but exist, and is killed as soon as the check has refused it.
        with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
            guard.agent_pid = other.pid
            with pytest.raises(ForeignAdminPort):
                guard.check("127.0.0.1")
            other.kill()
    assert f"belongs to pid {os.getpid()}, not the agent (pid {other.pid})" in caplog.text


async def test_no_agent_yet_means_no_connection_is_used(caplog):
    with socket.create_server(("127.0.0.1", 0)) as server:
        guard = AdminPortGuard(server.getsockname()[1])
        async with AgentClient(f"http://127.0.0.1:{guard.port}", "secret", 2, transport=guard.transport()) as client:
            with pytest.raises(AgentUnavailable, match="held by another process"):
                await client.is_ready()
    assert "refusing to send the agent's admin key" in caplog.text


def test_the_command_line_sends_no_key_to_an_admin_port_the_agent_does_not_hold(tmp_path, database_url):
    """`vc-service sig add` beside a service whose agent is down: whoever holds the port gets nothing."""
    command_line = RunningService(
        data_dir=tmp_path / "data", database_url=database_url, extra_env={"VC_SERVICE_AGENT_REQUEST_TIMEOUT": "2"}
    )
    listener = RecordingListener(command_line.agent_admin_port)
    try:
        added = command_line.run_command("sig", "add", "Gamma SIG", "--slug", "gamma")
    finally:
        listener.close()
    assert added.returncode == 0, added.stdout + added.stderr
    assert "issuer DID (made when the service next starts)" in added.stdout
    assert listener.connections > 0 and listener.received == b""
