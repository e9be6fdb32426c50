from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ..agent.errors import AgentError
from ..deps import State

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="The agent is ready and the database reachable")
async def readyz(state: State) -> JSONResponse:
    checks = {}
    try:
        checks["agent"] = "ready" if await state.agent.is_ready() else "not ready"
    except AgentError as exc:
        checks["agent"] = f"unavailable: {exc}"
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ready"
    except Exception as exc:  # any driver error means "not ready", reported, not raised
        checks["database"] = f"unavailable: {exc.__class__.__name__}"
    ready = all(value == "ready" for value in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
