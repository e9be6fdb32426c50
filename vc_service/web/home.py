"""The home page (what this service is, and the way in for each of its users) and the site's icon."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from ..deps import State
from . import STATIC_DIR
from .auth import WebSessionDep, page, service_title

router = APIRouter(tags=["pages"], include_in_schema=False)
ICON_MAX_AGE = 7 * 24 * 3600  # browsers ask for /favicon.ico on every page otherwise


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, session: WebSessionDep, state: State) -> Response:
    return page(request, session, "home.html", {"sig_name": await service_title(state)})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"cache-control": f"public, max-age={ICON_MAX_AGE}"},
    )
