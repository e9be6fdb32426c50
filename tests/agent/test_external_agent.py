"""Under docker-compose the agent is another container: the controller uses it and starts none."""

import subprocess

import pytest

from vc_service.agent.supervisor import agent_command, agent_environment
from vc_service.service_secrets import ServiceSecrets
from vc_service.settings import Settings

from ..support import SHARED_CONTEXTS, RunningService, attendance_credential, is_running, wait_for

pytestmark = pytest.mark.agents  # starts the service or agents itself


def test_the_controller_uses_an_agent_it_did_not_start(tmp_path, database_url):
    service = RunningService(data_dir=tmp_path / "controller", database_url=database_url)
    settings = Settings(
        data_dir=tmp_path / "agent",
        public_url=service.url,
        contexts_dir=SHARED_CONTEXTS,
        database_url=database_url,
        agent_admin_port=service.agent_admin_port,
        agent_inbound_port=service.agent_inbound_port,
    )
    secrets = ServiceSecrets(
        "external-admin-key", "external-webhook-key", "external-wallet-key", "unused", "unused", "unused"
    )
    agent = subprocess.Popen(
        agent_command(settings),
        env=agent_environment(settings, secrets, f"{service.url}/webhooks"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        service.extra_env = {
            "VC_SERVICE_AGENT_URL": settings.agent_admin_url,
            "VC_SERVICE_AGENT_ADMIN_KEY": secrets.agent_admin_key,
            "VC_SERVICE_WEBHOOK_KEY": secrets.webhook_key,
        }
        service.start()
        assert not (service.data_dir / "agent.pid").exists()  # it started no agent of its own
        banner = f"admin API on {settings.agent_admin_url} (run elsewhere)"  # printed once ready, maybe after start() returned
        wait_for(lambda: banner in (service.data_dir / "service.log").read_text(), "the start banner", 10)
        assert service.client().get("/issuer").json()["did"].startswith("did:key:")
        issued = service.client(organizer=True).post("/credentials/issue", json={"credential": attendance_credential()})
        assert issued.status_code == 201, issued.text
        # The agent's webhooks reach the controller with the key both were given.
        with service.client() as client:
            assert (
                client.post("/webhooks/topic/ping/", json={}, headers={"x-api-key": secrets.webhook_key}).status_code
                < 300
            )
        service.stop()
        assert is_running(agent.pid)  # not the controller's to stop
    finally:
        agent.terminate()
        agent.wait(30)
        if service.process is not None and service.process.poll() is None:
            service.close()


def test_an_unreachable_external_agent_is_named(tmp_path, database_url):
    service = RunningService(
        data_dir=tmp_path / "controller",
        database_url=database_url,
        extra_env={"VC_SERVICE_AGENT_URL": "http://127.0.0.1:9", "VC_SERVICE_AGENT_START_TIMEOUT": "2"},
    )
    try:
        service.start(timeout=20)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the service started without its agent")
    wait_for(lambda: service.process.poll() is not None, "the controller to exit")
    log = (service.data_dir / "service.log").read_text()
    assert "AgentStartError: the agent at http://127.0.0.1:9 is not ready after 2.0s: agent unreachable" in log
