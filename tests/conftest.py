import pytest

from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head

from . import support
from .support import (
    BACKENDS,
    RunningAgent,
    RunningLedger,
    RunningService,
    create_database,
    drop_database,
    running_service,
)
from .wallets.credo import CredoWallet
from .wallets.credo import credo_wallet as credo_wallet_process
from .web.browser import add_organizer, launch_chromium

# Fixtures that start the service, an agent, the ledger or a browser: a test that uses one (even
# through another fixture) is in the slow tier. Tests that start such processes themselves carry
# the `agents` mark; in the fast tier support.py refuses to start any, so a missing mark fails loudly.
PROCESS_FIXTURES = {"service", "wallet", "credo_wallet", "browser", "ledger"}


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true", help="only the tests that start no agent, ledger or browser")


def pytest_configure(config):
    config.addinivalue_line("markers", "agents: the test starts the service, an ACA-Py agent, the ledger or a browser")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.agents)
    if not config.getoption("--fast"):
        return
    support.PROCESSES_ALLOWED = False
    slow = [item for item in items if item.get_closest_marker("agents")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("agents")]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """Every test that uses the database runs on SQLite (embedded) and PostgreSQL (production)."""
    return request.param


@pytest.fixture
def database_url(backend, tmp_path) -> str:
    url = create_database(backend, tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
async def sessions(database_url):
    """Sessions on a migrated, empty database of either backend."""
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def service(backend, tmp_path_factory) -> RunningService:
    """The whole service, started as `vc-service up` would be, with a real issuer agent."""
    yield from running_service(backend, tmp_path_factory.mktemp(f"service-{backend}"))


@pytest.fixture(scope="session")
def wallet(tmp_path_factory, service) -> RunningAgent:
    """A second, separate ACA-Py agent: a member's wallet or a verifier's."""
    agent = RunningAgent(home=tmp_path_factory.mktemp("wallet"), sig_base_url=service.url)
    agent.start()
    yield agent
    agent.stop()


@pytest.fixture(scope="module")
def credo_wallet(tmp_path_factory, service) -> CredoWallet:
    """A Credo 0.6 wallet (tests/wallets/credo/): a member's phone, fresh for each module."""
    yield from credo_wallet_process(service.url, tmp_path_factory.mktemp("credo"))


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API keeps an event loop running until it stops,
    # and the tests of other modules need asyncio.run.
    playwright, browser = launch_chromium()
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def organizer_email(service) -> str:
    """An organizer account of the service's SIG, made with `vc-service organizer add`."""
    email = "organizer@example.org"
    add_organizer(service, email)
    return email


@pytest.fixture(scope="session")
def ledger(tmp_path_factory) -> RunningLedger:
    """The development Indy pool (4 nodes, tails server), started once for the tests that need
    a ledger; the first run builds its Python 3.8 venv (cached in .ledger-venv/)."""
    running = RunningLedger(directory=tmp_path_factory.mktemp("ledger"))
    try:
        running.up()
        yield running
    finally:
        running.down()
