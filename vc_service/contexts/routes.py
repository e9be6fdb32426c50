from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import State
from ..errors import NotFound
from ..http import documented_content

router = APIRouter(tags=["contexts"])


@router.get(
    "/contexts/{name}",
    summary="The SIG's own JSON-LD contexts",
    response_class=JSONResponse,
    responses=documented_content("application/ld+json", {"type": "object"}),
)
async def get_context(name: str, state: State) -> JSONResponse:
    contexts = state.sig_contexts
    if name not in contexts:
        raise NotFound(f"no context named {name}")
    # A context never changes under its URL (it is pinned by hash), so caches may keep it.
    return JSONResponse(
        contexts[name].document,
        media_type="application/ld+json",
        headers={"Cache-Control": "public, max-age=86400, immutable"},
    )
