from fastapi import APIRouter

from ..deps import State

router = APIRouter(tags=["issuer"])


@router.get("/issuer", summary="The SIG's issuer DID and Open Badges profile")
async def get_issuer(state: State) -> dict:
    return {"did": state.issuer.did, "profile": state.issuer.profile}
