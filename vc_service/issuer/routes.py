from fastapi import APIRouter

from ..deps import State, public_sig
from .identity import Issuer

router = APIRouter(tags=["issuer"])


def issuer_out(issuer: Issuer) -> dict:
    return {"slug": issuer.slug, "did": issuer.did, "profile": issuer.profile}


@router.get("/sigs", summary="Every SIG of this service: slug, issuer DID and Open Badges profile")
async def list_sigs(state: State) -> list[dict]:
    return [issuer_out(issuer) for issuer in await state.issuers.all()]


@router.get("/sigs/{sig}", summary="A SIG's issuer DID and Open Badges profile")
async def get_sig(sig: str, state: State) -> dict:
    return issuer_out(await public_sig(state, sig))


@router.get("/issuer", summary="The first SIG's issuer DID and Open Badges profile")
async def get_issuer(state: State) -> dict:
    return issuer_out(await state.issuers.first())
