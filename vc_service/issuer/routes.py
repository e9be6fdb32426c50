import json

from fastapi import APIRouter, Request, Response

from ..credentials.dids import did_document, document_path
from ..deps import State, public_sig
from ..errors import NotFound
from .identity import Issuer

router = APIRouter(tags=["issuer"])
DID_DOCUMENT_MAX_AGE = 300  # seconds a resolver may cache the document


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


@router.get("/.well-known/did.json", summary="The first SIG's did:web DID document (public URL without a path)")
@router.get("/did.json", summary="The first SIG's did:web DID document (public URL with a path)")
@router.get("/sigs/{sig}/did.json", summary="Another SIG's did:web DID document")
async def get_did_document(request: Request, state: State) -> Response:
    """Built from the agent's key each time, so it always says what the wallet holds."""
    path = request.url.path
    issuer = next(
        (
            issuer
            for issuer in await state.issuers.all()
            if issuer.did.startswith("did:web:") and document_path(issuer.did, state.settings.base_url) == path
        ),
        None,
    )
    if issuer is None:
        raise NotFound(f"no did:web DID document at {path}: no SIG issues under a did:web DID here")
    if issuer.verkey is None:  # the service's issuers come from sig_issuer, which always finds the key
        raise RuntimeError(f"issuer {issuer.did} has no key")
    return Response(
        content=json.dumps(did_document(issuer.did, issuer.verkey)),
        media_type="application/did+ld+json",
        headers={"Cache-Control": f"public, max-age={DID_DOCUMENT_MAX_AGE}"},
    )
