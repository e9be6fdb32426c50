"""Helpers for tests that run the real service and real ACA-Py agents as processes."""

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from vc_service.service_secrets import ServiceSecrets

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_CONTEXTS = Path(os.environ.get("VC_SERVICE_CONTEXTS_DIR") or PROJECT_DIR.parent / "shared" / "contexts")
VENV_BIN = Path(sys.executable).parent


POSTGRES_ADMIN_URL = os.environ.get(
    "VC_SERVICE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")
PROCESSES_ALLOWED = True  # the fast tier (pytest --fast) sets it False: see tests/conftest.py


def allow_processes(what: str) -> None:
    if not PROCESSES_ALLOWED:
        raise RuntimeError(f"the fast tier starts no {what}: mark this test (or its module) with pytest.mark.agents")


def run_to_end(coroutine):
    """Run a coroutine to its end from synchronous code, also when that code runs inside an event
    loop (an async test's fixture): then in a thread of its own, with a loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _postgres_admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


def create_database(backend: str, directory: Path) -> str:
    """A new, empty controller database of that backend; its SQLAlchemy URL."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{directory / 'vc_service.db'}"
    name = f"vc_service_test_{uuid.uuid4().hex[:12]}"
    run_to_end(_postgres_admin(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """The controller's database and those named after it: its agent's wallet, test wallets."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        for (name,) in query(
            POSTGRES_ADMIN_URL,
            "SELECT datname FROM pg_database WHERE starts_with(datname, :name)",
            name=parsed.database,
        ):
            run_to_end(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# Concurrent exchanges of one wallet that stands in for a meeting's members, under a loaded CI
# machine, outwait ACA-Py's 10 s session timeout on the default pool of 10.
MEMBER_WALLET_CONNECTIONS = 40


@contextmanager
def member_wallet(home: Path, service: "RunningService") -> Iterator["RunningAgent"]:
    """A started wallet agent for many members at once, its askar wallet on PostgreSQL whatever
    the service's backend; stopped and dropped afterwards. Dozens of concurrent exchanges
    outwait ACA-Py's 10 s session timeout on askar SQLite (ACA-Py gives it no pool options)."""
    from vc_service.agent.supervisor import wallet_storage_environment

    database = create_database("postgresql", home)  # the wallet's database is named after it
    wallet = RunningAgent(
        home=home, sig_base_url=service.url, extra_env=wallet_storage_environment(database, MEMBER_WALLET_CONNECTIONS)
    )
    try:
        wallet.start()
        yield wallet
    finally:
        wallet.stop()
        drop_database(database)


def query(url: str, sql: str, **params) -> list[tuple]:
    """Rows of one SELECT, from a synchronous test."""

    async def run() -> list[tuple]:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text(sql), params)).all()
        await engine.dispose()
        return [tuple(row) for row in rows]

    return run_to_end(run())


def execute(url: str, sql: str, **params) -> None:
    """One writing statement, committed, from a synchronous test."""

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text(sql), params)
        await engine.dispose()

    run_to_end(run())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_range(count: int) -> int:
    """The first of ``count`` consecutive free ports (the development ledger takes 9), below the
    kernel's ephemeral range: a pool restarted on the same ports must not find one of them taken
    meanwhile by some client's outgoing connection."""
    for _ in range(100):
        first = random.randrange(20000, 32000 - count)
        sockets = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports found")


@dataclass
class RunningLedger:
    """The development Indy pool, started and stopped through ``vc-service ledger``."""

    directory: Path
    port: int = field(default_factory=lambda: free_port_range(9))

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "VC_SERVICE_DEV_LEDGER_DIR": str(self.directory),
            "VC_SERVICE_DEV_LEDGER_PORT": str(self.port),
        }

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """``vc-service ledger ARGS`` (``up`` builds the ledger venv the first time: minutes)."""
        return subprocess.run(
            [str(VENV_BIN / "vc-service"), "ledger", *args],
            env=self.env,
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def up(self, owner_pid: int | None = None) -> None:
        """Start the pool, which stops by itself when the owner (this test run) ends."""
        allow_processes("ledger")
        result = self.run("up", "--owner-pid", str(owner_pid or os.getpid()))
        if result.returncode != 0:
            raise RuntimeError(f"vc-service ledger up failed:\n{result.stdout}{result.stderr}")

    def down(self) -> None:
        self.run("down", timeout=60)

    def pids(self) -> list[int]:
        """Every live process of the pool's process group."""
        pid_file = self.directory / "ledger.pid"
        if not pid_file.exists():
            return []
        group = int(pid_file.read_text())
        return [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _pgid(int(p.name)) == group and is_running(int(p.name))
        ]

    def service_env(self) -> dict[str, str]:
        """The settings that make a service issue AnonCreds badges on this pool."""
        from vc_service.ledger.pool import DevLedger

        return DevLedger(self.directory, self.port).service_environment()


def _pgid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, what: str, timeout: float = 60.0):
    """Poll a condition that real processes make true asynchronously (DIDComm, webhooks,
    restarts): bounded, and failing with what was awaited. Returns the condition's value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def wait_until_gone(pid: int, timeout: float = 20.0) -> bool:
    try:
        return wait_for(lambda: not is_running(pid), f"process {pid} to end", timeout)
    except AssertionError:
        return False


def wait_until_ready(process: subprocess.Popen, probe, timeout: float) -> bool:
    """Poll ``probe`` until it is true; False if the process exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if probe():
                return True
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    return False


@dataclass
class RunningService:
    """``vc-service up`` in a child process, on free ports and its own data directory."""

    data_dir: Path
    database_url: str
    api_key: str = "test-organizer-key"
    port: int = field(default_factory=free_port)
    agent_admin_port: int = field(default_factory=free_port)
    agent_inbound_port: int = field(default_factory=free_port)
    extra_env: dict = field(default_factory=dict)
    wrapper: tuple[str, ...] = ()  # a command that runs `vc-service up` (the benchmark's profiler)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "VC_SERVICE_PORT": str(self.port),
            "VC_SERVICE_DATA_DIR": str(self.data_dir),
            "VC_SERVICE_DATABASE_URL": self.database_url,
            "VC_SERVICE_CONTEXTS_DIR": str(SHARED_CONTEXTS),
            "VC_SERVICE_ADMIN_API_KEY": self.api_key,
            "VC_SERVICE_AGENT_ADMIN_PORT": str(self.agent_admin_port),
            "VC_SERVICE_AGENT_INBOUND_PORT": str(self.agent_inbound_port),
            # Every test signs in and claims from 127.0.0.1 on a shared service: more than a person
            # (or a meeting room behind one address) would; tests/http/test_rate_limits.py starts
            # services of its own with the real limits.
            "VC_SERVICE_LOGIN_RATE_LIMIT": "600",
            "VC_SERVICE_CLAIM_RATE_LIMIT": "600",
            **self.extra_env,
        }

    def start(self, timeout: float = 90.0) -> None:
        allow_processes("service")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "service.log").open("ab")
        self.process = subprocess.Popen(
            [*self.wrapper, str(VENV_BIN / "vc-service"), "up"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=PROJECT_DIR,
            start_new_session=True,  # a group, as in a terminal
        )
        if not wait_until_ready(
            self.process, lambda: httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200, timeout
        ):
            self.stop()
            raise RuntimeError(
                f"service not ready after {timeout}s (exit code {self.process.returncode}):\n{self.log_tail()}"
            )

    def agent_pid(self) -> int:
        return int((self.data_dir / "agent.pid").read_text())

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Signal the service's process group, as Ctrl-C in its terminal would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        return self.process.wait(timeout)

    def close(self) -> None:
        """Stop the service at any cost, and an agent a killed controller left behind."""
        self.stop(signal.SIGKILL)
        try:
            os.kill(self.agent_pid(), signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for name in ("service.log", "agent.log"):
            path = self.data_dir / name
            if path.exists():
                text += f"--- {name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def client(self, organizer: bool = False) -> httpx.Client:
        headers = {"X-API-Key": self.api_key} if organizer else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def agent_admin(self) -> httpx.Client:
        """The admin API of the agent this service started."""
        return httpx.Client(
            base_url=f"http://127.0.0.1:{self.agent_admin_port}",
            headers={"X-API-Key": self.secrets()["agent_admin_key"]},
            timeout=30,
        )

    def query(self, sql: str, **params) -> list[tuple]:
        return query(self.database_url, sql, **params)

    def execute(self, sql: str, **params) -> None:
        execute(self.database_url, sql, **params)

    def secrets(self) -> dict:
        return json.loads((self.data_dir / "secrets.json").read_text())

    def run_command(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``vc-service ARGS`` beside the running service (same settings)."""
        return subprocess.run(
            [str(VENV_BIN / "vc-service"), *args],
            input=input,
            env=self.env,
            capture_output=True,
            text=True,
            cwd=PROJECT_DIR,
        )

    def command(self, *args: str, input: str | None = None) -> str:
        """``run_command``, which must succeed; its output."""
        done = self.run_command(*args, input=input)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


# Tests serve other issuers' status lists from 127.0.0.1, which the outbound-fetch policy refuses
# unless allowed; the rest of the loopback network (127.0.0.2, ...) stays refused.
LOOPBACK_FETCHES = {"VC_SERVICE_OUTBOUND_ALLOW_NETWORKS": '["127.0.0.1/32"]'}


def running_service(backend: str, data_dir: Path):
    """A started service on a new database of the backend, stopped and dropped afterwards (for fixtures)."""
    running = RunningService(
        data_dir=data_dir, database_url=create_database(backend, data_dir), extra_env=LOOPBACK_FETCHES
    )
    running.start()
    yield running
    running.stop()
    drop_database(running.database_url)


CLUSTER_SECRETS = ServiceSecrets(
    "shared-admin-key", "shared-webhook-key", "shared-wallet-key", "unused", "shared-session-key", "shared-claim-key"
)


@contextmanager
def controllers_sharing_an_agent(directory: Path, database_url: str, extra_env: dict | None = None):
    """The production shape: two started controllers ("a", "b") on one database and one agent
    run on its own (as under docker-compose), its webhooks to both; stopped afterwards. Yields
    the controllers and the agent's settings."""
    from vc_service.agent.supervisor import agent_command, agent_environment
    from vc_service.settings import Settings

    controllers = [RunningService(data_dir=directory / name, database_url=database_url) for name in ("a", "b")]
    settings = Settings(
        data_dir=directory / "agent",
        public_url=controllers[0].url,
        contexts_dir=SHARED_CONTEXTS,
        database_url=database_url,
        agent_admin_port=controllers[0].agent_admin_port,
        agent_inbound_port=controllers[0].agent_inbound_port,
    )
    environment = agent_environment(settings, CLUSTER_SECRETS, "unused")
    del environment["ACAPY_WEBHOOK_URL"]  # two, on the command line
    webhooks = [
        argument
        for service in controllers
        for argument in ("--webhook-url", f"{service.url}/webhooks#{CLUSTER_SECRETS.webhook_key}")
    ]
    agent_log = (directory / "agent.log").open("ab")
    agent = subprocess.Popen(
        agent_command(settings) + webhooks,
        env=environment,
        stdout=agent_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for service in controllers:
        service.extra_env = {
            "VC_SERVICE_PUBLIC_URL": controllers[0].url,  # one public address (the load balancer's) for both
            "VC_SERVICE_AGENT_URL": settings.agent_admin_url,
            "VC_SERVICE_AGENT_ADMIN_KEY": CLUSTER_SECRETS.agent_admin_key,
            "VC_SERVICE_WEBHOOK_KEY": CLUSTER_SECRETS.webhook_key,
            "VC_SERVICE_SESSION_KEY": CLUSTER_SECRETS.session_key,
            "VC_SERVICE_CLAIM_KEY": CLUSTER_SECRETS.claim_key,
            **(extra_env or {}),
        }
    try:
        for service in controllers:
            service.start()
        yield controllers, settings
    finally:
        for service in controllers:
            if service.process is not None:
                service.close()
        agent.terminate()
        agent.wait(30)


@dataclass
class RunningAgent:
    """A second ACA-Py agent (a member's or a verifier's wallet) from ``agent-config/wallet.yml``."""

    home: Path
    sig_base_url: str
    api_key: str = "test-wallet-admin-key"
    ledger_genesis: str | None = None  # an AnonCreds holder reads schemas and registries from the ledger
    admin_port: int = field(default_factory=free_port)
    inbound_port: int = field(default_factory=free_port)
    extra_env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    def start(self, timeout: float = 60.0) -> None:
        allow_processes("agent")
        from vc_service.agent.supervisor import agent_command
        from vc_service.settings import Settings

        settings = Settings(
            public_url=self.sig_base_url,
            contexts_dir=SHARED_CONTEXTS,
            agent_admin_port=self.admin_port,
            agent_inbound_port=self.inbound_port,
            ledger_genesis=self.ledger_genesis,
        )
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "ACAPY_HOME": str(self.home),
            "ACAPY_ADMIN_API_KEY": self.api_key,
            "ACAPY_WALLET_KEY": "test-wallet-key",
            **self.extra_env,
        }
        log = (self.home / "agent.log").open("ab")
        self.process = subprocess.Popen(
            agent_command(settings, "wallet.yml"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        if not wait_until_ready(self.process, lambda: self.admin().get("/status/ready").json().get("ready"), timeout):
            self.stop()
            raise RuntimeError(
                f"wallet agent not ready (exit code {self.process.returncode}); see {self.home}/agent.log"
            )

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.admin_url, headers={"X-API-Key": self.api_key}, timeout=30)

    def create_did_key(self) -> str:
        with self.admin() as admin:
            body = admin.post("/wallet/did/create", json={"method": "key", "options": {"key_type": "ed25519"}}).json()
        return body["result"]["did"]

    def sign_foreign_badge(self, **overrides) -> dict:
        """An attendance badge signed by this agent under a DID of its own: another SIG's."""
        credential = attendance_credential(
            id=f"urn:uuid:{uuid.uuid4()}",
            issuer={"id": self.create_did_key(), "type": ["Profile"], "name": "Another SIG"},
            validFrom="2026-11-20T17:00:00Z",
            **overrides,
        )
        with self.admin() as admin:
            response = admin.post("/vc/credentials/issue", json={"credential": credential})
        assert response.status_code == 201, response.text
        return response.json()["verifiableCredential"]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VCDM2 = "https://www.w3.org/ns/credentials/v2"


def attendance_credential(**overrides) -> dict:
    """An unsigned Open Badges 3.0 attendance credential, as an organizer would send it."""
    credential = {
        "@context": [VCDM2, OB3_CONTEXT],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Attendance: journal club, 20 November 2026",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "activityStartDate": "2026-11-20T17:00:00Z",
            "activityEndDate": "2026-11-20T18:00:00Z",
            "achievement": {
                "id": "urn:uuid:5d9e2a3c-2f7b-4c1e-9d55-0a6f8f3b1c10",
                "type": ["Achievement"],
                "name": "Journal club attendance",
                "description": "Attended a journal-club meeting of the SIG.",
                "criteria": {"narrative": "Was present at the meeting."},
                "achievementType": "ext:Attendance",
            },
        },
    }
    credential.update(overrides)
    return credential


class TlsFront:
    """HTTPS in front of a service, as a production load balancer terminates TLS: a test CA's
    certificate for ``localhost``, every connection piped to the service's plain HTTP port.
    Agents and clients trust the CA through ``SSL_CERT_FILE``; ``requests`` keeps the first line
    of each request, to show who fetched what."""

    def __init__(self, directory: Path, target_port: int, host: str = "localhost") -> None:
        import ssl
        import threading

        import trustme

        self.port = free_port()
        self.host = host  # what the URL names: class-validator (Credo) takes no "localhost" URL, an IP it does
        self.target_port = target_port
        self.ca_file = directory / "test-ca.pem"
        self.requests: list[str] = []
        authority = trustme.CA()
        authority.cert_pem.write_to_path(str(self.ca_file))
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("localhost", "127.0.0.1").configure_cert(self._context)
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait(10)

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def _serve(self, started) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._pipe, "127.0.0.1", self.port, ssl=self._context)
        )
        started.set()
        self._loop.run_forever()

    async def _pipe(self, client_reader, client_writer) -> None:
        try:
            service_reader, service_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return

        async def copy(reader, writer, first_line: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if first_line:
                        self.requests.append(data.split(b"\r\n", 1)[0].decode(errors="replace"))
                        first_line = False
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.gather(copy(client_reader, service_writer, True), copy(service_reader, client_writer, False))

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
