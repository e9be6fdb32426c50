"""The floor of any controller in front of the agent: the bench's scenarios sent through a bare
relay (uvicorn with httptools, one pooled aiohttp session, each request's body passed to the
agent's same path and its answer passed back, nothing else) beside the service and the agent
alone. What the service adds beyond the relay is its own work, not the second HTTP hop.

    python -m bench.relay PORT     # the agent's admin URL and key in BENCH_AGENT_URL, BENCH_AGENT_KEY
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import httpx
import uvicorn
from starlette.types import Receive, Scope, Send

from tests.support import free_port, wait_for


class Relay:
    """A pure ASGI app: the agent's answer to the same method, path and body."""

    def __init__(self, agent_url: str, agent_key: str) -> None:
        self.agent_url = agent_url
        self.agent_key = agent_key
        self.session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        assert self.session is not None
        async with self.session.request(
            scope["method"], scope["path"], data=body, headers={"Content-Type": "application/json"}
        ) as answer:
            content = await answer.read()
            status = answer.status
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
        )
        await send({"type": "http.response.body", "body": content})

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.session = aiohttp.ClientSession(self.agent_url, headers={"X-API-Key": self.agent_key})
                await send({"type": "lifespan.startup.complete"})
            else:
                if self.session is not None:
                    await self.session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


@contextmanager
def running_relay(agent_url: str, agent_key: str) -> Iterator[str]:
    """A relay process to the agent, for as long as the block runs: its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.relay", str(port)],
        env={**os.environ, "BENCH_AGENT_URL": agent_url, "BENCH_AGENT_KEY": agent_key},
        cwd=Path(__file__).parent.parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(url) or process.poll() is not None, "the relay to listen", timeout=30)
        if process.poll() is not None:
            raise RuntimeError(f"the relay exited with {process.returncode}")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def answers(url: str) -> bool:
    try:
        httpx.get(url + "/status/live", timeout=1)  # the agent's liveness, through the relay
    except httpx.TransportError:
        return False
    return True


def main() -> None:
    relay = Relay(os.environ["BENCH_AGENT_URL"], os.environ["BENCH_AGENT_KEY"])
    uvicorn.run(relay, host="127.0.0.1", port=int(sys.argv[1]), http="httptools", log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
