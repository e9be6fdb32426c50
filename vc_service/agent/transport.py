"""The controller's HTTP to its agent, over aiohttp.

aiohttp, which the agent serves with, parses HTTP in C. httpx (h11 over anyio, in pure Python)
cost about 1.5 ms of the controller's CPU per call to the agent, and its client layer over
aiohttp still 0.4 ms: more than the rest of a verification (bench/MEASURED.md). Each new
connection may be checked before a byte is sent (``on_connect``: the admin-port guard);
kept-alive ones are not.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

# Kept-alive connections to the agent for every caller (routes, the delivery worker, the status
# resolver): as many kept as may be open, so a burst never leaves connections to open again,
# and kept a minute idle (the agent's aiohttp server keeps them an hour).
MAX_CONNECTIONS = 100
KEEPALIVE_SECONDS = 60.0


class AgentUnreachable(Exception):
    """No answer could be had: the connection failed, was refused by ``on_connect``, or broke."""


class AgentTimedOut(AgentUnreachable):
    """The agent did not connect or answer within the call's timeout."""


@dataclass(frozen=True)
class AgentRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    params: Mapping[str, str] | None
    body: bytes | None
    timeout: float  # to connect, and between bytes of the answer


@dataclass(frozen=True)
class AgentAnswer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Transport(Protocol):
    """What the agent client sends through: this module's, or a test's fake agent."""

    async def send(self, request: AgentRequest) -> AgentAnswer: ...

    async def aclose(self) -> None: ...


class _CheckedConnector(aiohttp.TCPConnector):
    def __init__(self, on_connect: Callable[[str, int], None] | None) -> None:
        super().__init__(limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
        self._on_connect = on_connect

    async def _create_connection(self, req, traces, timeout):  # type: ignore[no-untyped-def]
        protocol = await super()._create_connection(req, traces, timeout)
        if self._on_connect is not None:
            try:
                self._on_connect(str(req.url.host), int(req.url.port or 80))
            except Exception as exc:
                protocol.close()
                raise AgentUnreachable(str(exc)) from exc
        return protocol


class AgentTransport:
    """One aiohttp session (made in the loop of the first request) for every call.
    ``on_connect(host, port)`` runs on each new connection and may raise to refuse it."""

    def __init__(self, on_connect: Callable[[str, int], None] | None = None) -> None:
        self._on_connect = on_connect
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=_CheckedConnector(self._on_connect), cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._session

    async def send(self, request: AgentRequest) -> AgentAnswer:
        try:
            async with self._client().request(
                request.method,
                request.url,
                headers=request.headers,
                params=request.params,
                data=request.body,
                timeout=aiohttp.ClientTimeout(sock_connect=request.timeout, sock_read=request.timeout),
                allow_redirects=False,
            ) as answer:
                return AgentAnswer(answer.status, await answer.read())
        except AgentUnreachable:
            raise
        except (TimeoutError, aiohttp.ConnectionTimeoutError, aiohttp.SocketTimeoutError) as exc:
            raise AgentTimedOut(str(exc) or "timed out") from exc
        except aiohttp.ClientError as exc:
            raise AgentUnreachable(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
