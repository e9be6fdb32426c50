"""Security headers on every response.

The pages load nothing from elsewhere (no CDN), so the policy allows this origin only; claim
and door links carry secrets in their path, so no page sends a Referer. The OpenAPI pages
(``/docs``, ``/redoc``) are FastAPI's, which load Swagger UI and ReDoc from their CDN: they get
the same headers but a policy that allows that CDN.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
API_DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; style-src 'self' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; worker-src 'self' blob:; frame-ancestors 'none'"
)
API_DOCS = ("/docs", "/redoc")


class SecurityHeaders:
    """Pure ASGI: the headers are encoded once, and a response only gets those it lacks."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https
        self._page_headers = self.headers_for("/")
        self._docs_headers = self.headers_for(API_DOCS[0])

    def headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        policy = API_DOCS_POLICY if path.startswith(API_DOCS) else PAGE_POLICY
        headers = {
            "content-security-policy": policy,
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "no-referrer",
            "permissions-policy": "camera=(), microphone=(), geolocation=()",
            "cross-origin-opener-policy": "same-origin",
        }
        if self.https:
            headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        return [(name.encode(), value.encode()) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._docs_headers if scope["path"].startswith(API_DOCS) else self._page_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in extra if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
