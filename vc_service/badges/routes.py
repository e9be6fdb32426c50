from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import State, public_sig
from ..errors import NotFound
from .templates import BADGE_KINDS, achievement, subject_schema

router = APIRouter(tags=["badges"])
# Published definitions change only with a release; an hour of caching is harmless.
CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


def known_kind(kind: str) -> str:
    if kind not in BADGE_KINDS:
        raise NotFound(f"no badge kind {kind!r}; known: {', '.join(BADGE_KINDS)}")
    return kind


@router.get("/sigs/{sig}/achievements/{kind}", summary="A SIG's Open Badges Achievement of a badge kind")
async def get_sig_achievement(sig: str, kind: str, state: State) -> JSONResponse:
    issuer = await public_sig(state, sig)
    return JSONResponse(achievement(known_kind(kind), issuer, state.settings.base_url), headers=CACHE_HEADERS)


@router.get("/achievements/{kind}", summary="The first SIG's Achievement, at the URL it had before SIGs had their own")
async def get_achievement(kind: str, state: State) -> JSONResponse:
    """Badges issued before achievements were per SIG name this URL as their achievement's id."""
    found = achievement(known_kind(kind), await state.issuers.first(), state.settings.base_url)
    return JSONResponse({**found, "id": f"{state.settings.base_url}/achievements/{kind}"}, headers=CACHE_HEADERS)


@router.get("/schemas/subjects/{kind}.schema.json", summary="JSON Schema of a badge's subject")
async def get_subject_schema(kind: str) -> JSONResponse:
    return JSONResponse(subject_schema(known_kind(kind)), media_type="application/schema+json", headers=CACHE_HEADERS)
