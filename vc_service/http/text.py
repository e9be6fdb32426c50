"""Text no field accepts: NUL characters and unpaired UTF-16 surrogates.

JSON can spell both (``\\u0000``, ``\\ud800``), Python keeps them in a ``str``, and neither
PostgreSQL nor UTF-8 can store them: refused here, with the place named, before any route runs.
"""

import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request, status

from .limits import is_json

# In UTF-8 JSON text, a NUL or a lone surrogate can only be an escape (raw, the one is refused
# by the parser and the other is not UTF-8): such a body without such an escape needs no walk.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89abcdefABCDEF])")


def unstorable(value: str) -> str | None:
    if "\x00" in value:
        return "a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "an unpaired surrogate (not Unicode text)"
    return None


def _first_problem(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        problem = unstorable(value)
        return f"{where} holds {problem}" if problem else None
    items: Iterable[tuple[object, object]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and (problem := unstorable(key)):
            return f"a key in {where} holds {problem}"
        if found := _first_problem(item, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"):
            return found
    return None


async def reject_unstorable_text(request: Request) -> None:
    found = _first_problem(dict(request.query_params), "the query") or _first_problem(
        dict(request.path_params), "the path"
    )
    if not found and is_json(request.headers.get("content-type", "").encode()):  # depth checked by BodyLimits
        body = await request.body()
        try:
            suspect = not json.detect_encoding(body).startswith("utf-8") or _SUSPECT_ESCAPE.search(body)
            found = _first_problem(json.loads(body), "the body") if suspect else None
        except ValueError:
            pass  # not JSON: the route's own parsing names that
    if found:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, found)
