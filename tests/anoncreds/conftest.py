"""The AnonCreds tests share one service on the development pool: the SIG's schemas and
definitions can be registered only once per issuer DID on a ledger."""

import time

import pytest

from ..support import BACKENDS, RunningAgent, RunningService, create_database, drop_database

# One writer DID per backend: a schema's id is its issuer's DID, name and version, so a second
# service writing with the same DID would find its registrations taken. The pool's stewards
# (as in von-network) may all write.
STEWARD_SEEDS = {"sqlite": "000000000000000000000000Steward1", "postgresql": "000000000000000000000000Steward2"}


@pytest.fixture(scope="session")
def anoncreds_services(ledger) -> dict[str, RunningService]:
    """The services started so far, by backend: each is started once per session, because pytest
    may set a package fixture up twice (it does not always group a parameter's tests), and a
    second service with the same DID could not register the schemas again."""
    started: dict[str, RunningService] = {}
    yield started
    for running in started.values():
        running.stop()
        drop_database(running.database_url)


@pytest.fixture(scope="package", params=BACKENDS)
def anoncreds_service(request, ledger, anoncreds_services, tmp_path_factory) -> RunningService:
    """The service as the SIG's issuer on the pool, on each database backend."""
    backend = request.param
    if backend not in anoncreds_services:
        data_dir = tmp_path_factory.mktemp(f"anoncreds-service-{backend}")
        environment = {**ledger.service_env(), "VC_SERVICE_LEDGER_SEED": STEWARD_SEEDS[backend]}
        running = RunningService(
            data_dir=data_dir, database_url=create_database(backend, data_dir), extra_env=environment
        )
        started = time.monotonic()
        running.start(timeout=240)  # the first start registers 4 schemas and 4 revocable definitions
        print(f"\nservice start with registration ({backend}): {time.monotonic() - started:.1f}s")
        anoncreds_services[backend] = running
    return anoncreds_services[backend]


@pytest.fixture(scope="package")
def holder(ledger, anoncreds_service, tmp_path_factory) -> RunningAgent:
    """A member's wallet that reads the same ledger."""
    agent = ledger_wallet(ledger, anoncreds_service, tmp_path_factory.mktemp("holder"))
    yield agent
    agent.stop()


def ledger_wallet(ledger, service: RunningService, home) -> RunningAgent:
    """A member's wallet (a second ACA-Py agent) that reads the same ledger, started."""
    agent = RunningAgent(
        home=home, sig_base_url=service.url, ledger_genesis=ledger.service_env()["VC_SERVICE_LEDGER_GENESIS"]
    )
    agent.start()
    return agent
