import json

from fastapi import APIRouter, HTTPException, Request, Response, status

from ..deps import State
from .dids import did_document, document_path

router = APIRouter(tags=["issuer"])
DID_DOCUMENT_MAX_AGE = 300  # seconds a resolver may cache the document


@router.get("/issuer", summary="The SIG's issuer DID and Open Badges profile")
async def get_issuer(state: State) -> dict:
    return {"did": state.issuer.did, "profile": state.issuer.profile}


@router.get("/.well-known/did.json", summary="The issuer's did:web DID document (public URL without a path)")
@router.get("/did.json", summary="The issuer's did:web DID document (public URL with a path)")
async def get_did_document(request: Request, state: State) -> Response:
    """Built from the agent's key each time, so it always says what the wallet holds."""
    issuer = state.issuer
    if not issuer.did.startswith("did:web:") or document_path(issuer.did, state.settings.base_url) != request.url.path:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no did:web DID document here: the SIG's issuer is {issuer.did}")
    return Response(
        content=json.dumps(did_document(issuer.did, issuer.verkey)),
        media_type="application/did+ld+json",
        headers={"Cache-Control": f"public, max-age={DID_DOCUMENT_MAX_AGE}"},
    )
