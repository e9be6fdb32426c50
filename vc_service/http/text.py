"""Text no field accepts: NUL characters and unpaired UTF-16 surrogates.

JSON can spell both (``\\u0000``, ``\\ud800``), Python keeps them in a ``str``, and neither
PostgreSQL nor UTF-8 can store them: refused here, with the place named, before any route runs.
"""

import json
from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request, status

from .limits import is_json


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
        try:
            found = _first_problem(json.loads(await request.body()), "the body")
        except ValueError:
            pass  # not JSON: the route's own parsing names that
    if found:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, found)
