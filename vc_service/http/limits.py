"""Request body limits, enforced before any route reads the body: its size (413) and, for JSON,
how deeply it nests (422), since every JSON parser and walker here recurses once per level."""

import json
import re
from array import array
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Credentials and presentations nest about 10 levels; Python recurses at most about 1,000 frames.
MAX_JSON_DEPTH = 64
# A JSON string, with its escapes: brackets inside it open no level.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_LEVEL_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes


def json_nesting_problem(data: bytes | bytearray, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``data`` nests too deeply to be parsed, found without parsing it; None if it does not.
    The deepest level is the largest running sum of +1 per opening and -1 per closing bracket
    outside strings (all in C: a 1 MB body takes milliseconds)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return None
    steps = array("b", _JSON_STRING.sub(b"", data).translate(_LEVEL_STEPS, _NOT_BRACKETS))
    if max(accumulate(steps), default=0) > limit:
        return f"nested more than {limit} levels deep"
    return None


def is_json(content_type: bytes | None) -> bool:
    """As FastAPI reads a body: JSON when it says so (``application/json``, ``…+json``) or says nothing."""
    if not content_type:
        return True
    media_type = content_type.split(b";", 1)[0].strip().lower()
    return media_type == b"application/json" or (
        media_type.startswith(b"application/") and media_type.endswith(b"+json")
    )


class BodyLimits:
    """At most ``max_bytes`` per request body (paths ending in a key of ``larger`` get that limit),
    and JSON bodies nested at most ``MAX_JSON_DEPTH`` levels, except below a prefix of
    ``own_json_check`` (the webhook inbox checks the nesting itself, after its key). Both are
    checked as the route reads the body."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None, own_json_check: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}
        self.own_json_check = own_json_check

    def limit_for(self, path: str) -> int:
        return next((limit for suffix, limit in self.larger.items() if path.endswith(suffix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, f"request body larger than {limit} bytes")
            return
        json_checked = is_json(headers.get(b"content-type")) and not scope["path"].startswith(self.own_json_check)
        json_body = bytearray() if json_checked else None
        received = 0
        refused = False

        async def checked_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] != "http.request" or refused:
                return message
            chunk = message.get("body", b"")
            received += len(chunk)
            problem = None
            if received > limit:
                problem = (413, f"request body larger than {limit} bytes")
            elif json_body is not None:
                json_body.extend(chunk)
                if not message.get("more_body") and (nesting := json_nesting_problem(json_body)):
                    problem = (422, f"the JSON body is {nesting}: it cannot be read")
            if problem:
                # Answer now, and end the body for the app as if the client had gone (whatever it
                # answers then is dropped).
                refused = True
                await _refuse(send, *problem)
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, checked_receive, guarded_send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
