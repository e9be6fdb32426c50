"""The AnonCreds tests share one service on the development pool: the SIG's schemas and
definitions can be registered only once per issuer DID on a ledger."""

import time

import pytest

from ..support import RunningAgent, RunningService, create_database


@pytest.fixture(scope="package")
def anoncreds_service(ledger, tmp_path_factory) -> RunningService:
    """The service as the SIG's issuer on the pool (Steward1's seed), on SQLite."""
    data_dir = tmp_path_factory.mktemp("anoncreds-service")
    running = RunningService(data_dir=data_dir, database_url=create_database("sqlite", data_dir), extra_env=ledger.service_env())
    started = time.monotonic()
    running.start(timeout=240)  # the first start registers 4 schemas and 4 revocable definitions
    print(f"\nservice start with registration: {time.monotonic() - started:.1f}s")
    yield running
    running.stop()


@pytest.fixture(scope="package")
def holder(ledger, anoncreds_service, tmp_path_factory) -> RunningAgent:
    """A member's wallet that reads the same ledger."""
    agent = ledger_wallet(ledger, anoncreds_service, tmp_path_factory.mktemp("holder"))
    yield agent
    agent.stop()


def ledger_wallet(ledger, service: RunningService, home) -> RunningAgent:
    """A member's wallet (a second ACA-Py agent) that reads the same ledger, started."""
    agent = RunningAgent(home=home, sig_base_url=service.url, ledger_genesis=ledger.service_env()["VC_SERVICE_LEDGER_GENESIS"])
    agent.start()
    return agent
