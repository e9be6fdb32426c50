"""The agent client and its transport (aiohttp) against a real local HTTP server: what is sent
and answered, compression, timeouts, refused and checked connections."""

import asyncio
import gzip
import json
import socket

import pytest
from aiohttp import web
from multidict import CIMultiDict

from vc_service.agent.client import AgentClient
from vc_service.agent.errors import AgentUnavailable
from vc_service.agent.transport import AgentTransport


@pytest.fixture
async def server():
    """A server on a free port that echoes what it got, answers gzipped, or answers too late."""
    received: list[dict] = []

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        received.append({"headers": CIMultiDict(request.headers), "query": dict(request.query), "body": body})
        return web.json_response(
            {"method": request.method, "body": json.loads(body) if body else None}, status=201, headers={"X-Seen": "1"}
        )

    async def compressed(request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(b'{"compressed": true}'),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )

    async def late(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({})

    app = web.Application()
    app.add_routes([web.route("*", "/echo", echo), web.get("/gzip", compressed), web.get("/late", late)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", received
    await runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_request_and_its_answer_pass_unchanged(server):
    url, received = server
    async with AgentClient(url, "secret", 2.0) as agent:
        answer = await agent._request(
            "POST", "/echo", params={"alias": "a b"}, json={"credential": {"id": "urn:uuid:1", "name": "Zoë"}}
        )
        deleted = await agent._request("DELETE", "/echo")
    assert answer == {"method": "POST", "body": {"credential": {"id": "urn:uuid:1", "name": "Zoë"}}}
    assert received[0]["headers"]["X-API-Key"] == "secret"
    assert received[0]["headers"]["Content-Type"] == "application/json"
    assert received[0]["query"] == {"alias": "a b"}
    assert deleted == {"method": "DELETE", "body": None} and received[1]["body"] == b""
    assert "Content-Type" not in received[1]["headers"]


async def test_a_compressed_answer_is_decoded(server):
    url, _ = server
    async with AgentClient(url, "k", 2.0) as agent:
        assert await agent._request("GET", "/gzip") == {"compressed": True}


async def test_an_agent_that_is_down_or_too_slow_is_unavailable(server):
    url, _ = server
    async with AgentClient(f"http://127.0.0.1:{free_port()}", "k", 2.0) as down:
        with pytest.raises(AgentUnavailable, match="agent unreachable"):
            await down.is_ready()
    async with AgentClient(url, "k", 0.3) as slow:
        with pytest.raises(AgentUnavailable, match="did not answer GET /late in time"):
            await slow._request("GET", "/late")


async def test_each_new_connection_is_checked_before_anything_is_sent(server):
    url, received = server
    checked: list[tuple[str, int]] = []
    port = int(url.rsplit(":", 1)[1])
    async with AgentClient(url, "k", 2.0, transport=AgentTransport(on_connect=lambda *to: checked.append(to))) as agent:
        for _ in range(3):
            await agent._request("POST", "/echo", json={})
    assert checked == [("127.0.0.1", port)]  # one new connection, kept alive for the next two

    def refuse(host: str, port: int) -> None:
        raise PermissionError(f"{host}:{port} is not the agent's")

    async with AgentClient(url, "secret", 2.0, transport=AgentTransport(on_connect=refuse)) as agent:
        with pytest.raises(AgentUnavailable, match="is not the agent's"):
            await agent._request("POST", "/echo", json={"key": "secret"})
    assert len(received) == 3  # nothing of the refused request arrived
