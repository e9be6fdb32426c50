import pytest

from .support import RunningAgent, RunningService


@pytest.fixture(scope="session")
def service(tmp_path_factory) -> RunningService:
    """The whole service, started as `vc-service up` would be, with a real issuer agent."""
    running = RunningService(data_dir=tmp_path_factory.mktemp("service"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def wallet(tmp_path_factory, service) -> RunningAgent:
    """A second, separate ACA-Py agent: a member's wallet or a verifier's."""
    agent = RunningAgent(home=tmp_path_factory.mktemp("wallet"), sig_base_url=service.url)
    agent.start()
    yield agent
    agent.stop()
