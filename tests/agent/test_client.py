"""The admin API client against a fake agent: every failure becomes a precise exception."""

import httpx
import pytest

from tests.agent.fake import FakeAgent
from vc_service.agent.client import LEDGER_WRITE_TIMEOUT, AgentClient
from vc_service.agent.errors import AgentFailed, AgentRejected, AgentUnavailable


def client_for(handler) -> AgentClient:
    return AgentClient("http://agent.test", "admin-key", timeout=1.0, transport=FakeAgent(handler))


async def test_sends_the_admin_key_and_reads_the_did():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["key"] = request.headers["x-api-key"]
        seen["body"] = request.content
        return httpx.Response(200, json={"result": {"did": "did:key:z6Mk1"}})

    async with client_for(handler) as agent:
        assert await agent.create_did_key() == "did:key:z6Mk1"
    assert seen["key"] == "admin-key"
    assert b'"key_type":"ed25519"' in seen["body"].replace(b" ", b"")


async def test_agent_4xx_is_rejected_with_its_message():
    async with client_for(lambda request: httpx.Response(400, json={"message": "bad credential"})) as agent:
        with pytest.raises(AgentRejected, match="bad credential") as caught:
            await agent.verify_credential({})
    assert caught.value.status_code == 400


async def test_agent_5xx_is_a_failure():
    async with client_for(lambda request: httpx.Response(500, text="boom")) as agent:
        with pytest.raises(AgentFailed, match="500"):
            await agent.issue_credential({}, {})


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")], ids=["unreachable", "timeout"]
)
async def test_unreachable_or_slow_agent_is_unavailable(error):
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    async with client_for(handler) as agent:
        with pytest.raises(AgentUnavailable):
            await agent.is_ready()


async def test_every_call_has_a_timeout_and_ledger_writes_a_longer_one():
    fake = FakeAgent(lambda request: httpx.Response(200, json={"ready": True, "schema_state": {"schema_id": "s"}}))
    async with AgentClient("http://agent.test", "k", timeout=2.5, transport=fake) as agent:
        await agent.is_ready()
        await agent.register_schema("did:indy:x", "badge", "1.0", ["name"])
    assert fake.timeouts == [2.5, LEDGER_WRITE_TIMEOUT]
