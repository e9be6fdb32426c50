import pytest

from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head

from .support import BACKENDS, RunningAgent, RunningService, create_database, drop_database


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
    data_dir = tmp_path_factory.mktemp(f"service-{backend}")
    running = RunningService(data_dir=data_dir, database_url=create_database(backend, data_dir))
    running.start()
    yield running
    running.stop()
    drop_database(running.database_url)


@pytest.fixture(scope="session")
def wallet(tmp_path_factory, service) -> RunningAgent:
    """A second, separate ACA-Py agent: a member's wallet or a verifier's."""
    agent = RunningAgent(home=tmp_path_factory.mktemp("wallet"), sig_base_url=service.url)
    agent.start()
    yield agent
    agent.stop()
