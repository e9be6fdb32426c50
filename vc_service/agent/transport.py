"""The controller's HTTP to its agent: httpx requests, sent and parsed by aiohttp.

httpx parses HTTP in pure Python (h11, over anyio): about 1.5 ms of the controller's CPU per
call to the agent, more than the rest of a verification (bench/MEASURED.md). aiohttp, which
the agent serves with, parses in C. ``AgentClient`` keeps httpx's interface (and its test
transports); this sends the requests. Each new connection may be checked before a byte is
sent (``on_connect``: the admin-port guard), kept-alive ones are not.
"""

from collections.abc import Callable

import aiohttp
import httpx

# Kept-alive connections to the agent for every caller (routes, the delivery worker, the status
# resolver): as many kept as may be open, so a burst never leaves connections to open again,
# and kept a minute idle (the agent's aiohttp server keeps them an hour).
MAX_CONNECTIONS = 100
KEEPALIVE_SECONDS = 60.0
# Set by aiohttp itself from the request (Host, the body's length).
OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})


class RefusedConnection(Exception):
    """``on_connect`` refused a new connection; it was closed before anything was sent."""


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
                raise RefusedConnection(str(exc)) from exc
        return protocol


class AgentTransport(httpx.AsyncBaseTransport):
    """An httpx transport over one aiohttp session (made in the loop of the first request).
    ``on_connect(host, port)`` runs on each new connection and may raise to refuse it."""

    def __init__(self, on_connect: Callable[[str, int], None] | None = None) -> None:
        self._on_connect = on_connect
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Bodies as sent: httpx decodes them by their Content-Encoding, as with its own transport.
            self._session = aiohttp.ClientSession(
                connector=_CheckedConnector(self._on_connect),
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            connect=timeouts.get("pool"), sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        headers = [(name, value) for name, value in request.headers.multi_items() if name.lower() not in OWN_HEADERS]
        try:
            async with self._client().request(
                request.method,
                str(request.url),
                headers=headers,
                data=await request.aread() or None,
                timeout=timeout,
                allow_redirects=False,
            ) as answer:
                content = await answer.read()
        except RefusedConnection as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "connecting timed out", request=request) from exc
        except (TimeoutError, aiohttp.SocketTimeoutError) as exc:
            raise httpx.ReadTimeout(str(exc) or "the answer timed out", request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from exc
        return httpx.Response(answer.status, headers=answer.raw_headers, content=content, request=request)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
