from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse

from ..deps import State
from .templates import BADGE_KINDS, achievement, subject_schema

router = APIRouter(tags=["badges"])
# Published definitions change only with a release; an hour of caching is harmless.
CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


def known_kind(kind: str) -> str:
    if kind not in BADGE_KINDS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no badge kind {kind!r}; known: {', '.join(BADGE_KINDS)}")
    return kind


@router.get("/achievements/{kind}", summary="The Open Badges Achievement of a badge kind")
async def get_achievement(kind: str, state: State) -> JSONResponse:
    return JSONResponse(achievement(known_kind(kind), state.issuer, state.settings.base_url), headers=CACHE_HEADERS)


@router.get("/schemas/subjects/{kind}.schema.json", summary="JSON Schema of a badge's subject")
async def get_subject_schema(kind: str) -> JSONResponse:
    return JSONResponse(
        subject_schema(known_kind(kind)), media_type="application/schema+json", headers=CACHE_HEADERS
    )
