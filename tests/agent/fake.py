"""A fake agent for unit tests: a function (or coroutine function) from an httpx request to an
httpx response, as with ``httpx.MockTransport``, behind the agent client's transport interface."""

import inspect
from collections.abc import Awaitable, Callable

import httpx

from vc_service.agent.transport import AgentAnswer, AgentRequest, AgentTimedOut, AgentUnreachable

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class FakeAgent:
    """Answers each call with ``handler``; httpx's timeout and transport errors raised by the
    handler stand for an agent that is too slow or unreachable."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.timeouts: list[float] = []

    async def send(self, request: AgentRequest) -> AgentAnswer:
        self.timeouts.append(request.timeout)
        as_httpx = httpx.Request(
            request.method, request.url, headers=request.headers, params=request.params, content=request.body
        )
        try:
            response = self.handler(as_httpx)
            if inspect.isawaitable(response):
                response = await response
        except httpx.TimeoutException as exc:
            raise AgentTimedOut(str(exc)) from exc
        except httpx.TransportError as exc:
            raise AgentUnreachable(str(exc)) from exc
        return AgentAnswer(response.status_code, response.read())

    async def aclose(self) -> None:
        pass
