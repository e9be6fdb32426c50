"""The OpenID4VCI issuer's HTTP surface: metadata, the offer by reference, token, nonce and
credential endpoints. The first SIG is the issuer at the service's URL, every other SIG at
``/sigs/<slug>`` below it (metadata at both the 1.0 place, after ``/.well-known/...``, and the
place earlier drafts and wallets look, after the issuer's path)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from ..deps import Session, State
from ..errors import NotFound
from ..http import documented_content
from ..issuer.identity import Issuer
from ..routing import claim_limit
from ..web.qr import qr_svg
from .errors import (
    InvalidGrant,
    InvalidNonce,
    InvalidProof,
    InvalidRequest,
    InvalidToken,
    Oid4vciError,
    UnsupportedCredentialType,
    UnsupportedGrantType,
)
from .metadata import (
    PRE_AUTHORIZED_GRANT,
    authorization_server_metadata,
    credential_issuer_metadata,
    draft14_format,
    issuer_url,
    offer_url,
)
from .service import (
    NONCE_SECONDS,
    IssueContext,
    exchange_code,
    issue_credential,
    new_nonce,
    offer_grant,
    requested_configuration,
    sig_configurations,
    token_grant,
)

router = APIRouter(tags=["oid4vci"])
# Wallets call the offer, metadata, token and nonce endpoints without any other credential: they
# count with the member's claim links, one limit per client (routing.claim_limit; the issuer
# metadata too: it is read from the SIG's badges at each request).
NO_STORE = {"Cache-Control": "no-store"}


def oid4vci_error_response(exc: Oid4vciError) -> JSONResponse:
    """OAuth 2.0 / OID4VCI error answer (RFC 6749 §5.2, RFC 6750 §3, OID4VCI 1.0 §8.3.1)."""
    headers = {**NO_STORE, **exc.headers}
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.code}", error_description="{exc}"'
    body = {"error": exc.code, "error_description": str(exc), **exc.extra}
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


async def _issuer(state: State, slug: str | None) -> tuple[Issuer, str]:
    """The SIG an issuer URL names, and its credential issuer identifier."""
    first = await state.issuers.first()
    if slug is None:
        return first, issuer_url(state.settings.base_url, first, first=True)
    issuer = await state.issuers.by_slug(slug)
    if issuer.sig_id == first.sig_id:
        raise NotFound("the first SIG is the credential issuer at the service's own URL")
    return issuer, issuer_url(state.settings.base_url, issuer, first=False)


# Metadata ---------------------------------------------------------------------------------


async def _issuer_metadata(state: State, session: Session, slug: str | None) -> JSONResponse:
    issuer, issuer_id = await _issuer(state, slug)
    configurations = await sig_configurations(session, issuer.sig_id)
    return JSONResponse(credential_issuer_metadata(issuer, issuer_id, state.settings.base_url, configurations))


async def _as_metadata(state: State, slug: str | None) -> JSONResponse:
    _issuer_row, issuer_id = await _issuer(state, slug)
    return JSONResponse(authorization_server_metadata(issuer_id))


@router.get(
    "/.well-known/openid-credential-issuer",
    dependencies=[Depends(claim_limit)],
    summary="Credential issuer metadata (the first SIG)",
)
async def issuer_metadata(state: State, session: Session) -> JSONResponse:
    return await _issuer_metadata(state, session, None)


@router.get(
    "/.well-known/openid-credential-issuer/sigs/{sig}",
    dependencies=[Depends(claim_limit)],
    summary="Credential issuer metadata of a SIG",
)
async def sig_issuer_metadata(sig: str, state: State, session: Session) -> JSONResponse:
    return await _issuer_metadata(state, session, sig)


@router.get(
    "/sigs/{sig}/.well-known/openid-credential-issuer",
    dependencies=[Depends(claim_limit)],
    summary="Credential issuer metadata of a SIG",
)
async def sig_issuer_metadata_below(sig: str, state: State, session: Session) -> JSONResponse:
    return await _issuer_metadata(state, session, sig)


@router.get("/.well-known/oauth-authorization-server", summary="Authorization server metadata (the first SIG)")
async def as_metadata(state: State) -> JSONResponse:
    return await _as_metadata(state, None)


@router.get("/.well-known/oauth-authorization-server/sigs/{sig}", summary="Authorization server metadata of a SIG")
async def sig_as_metadata(sig: str, state: State) -> JSONResponse:
    return await _as_metadata(state, sig)


@router.get("/sigs/{sig}/.well-known/oauth-authorization-server", summary="Authorization server metadata of a SIG")
async def sig_as_metadata_below(sig: str, state: State) -> JSONResponse:
    return await _as_metadata(state, sig)


# The offer by reference -------------------------------------------------------------------


@router.get("/o/{code}", dependencies=[Depends(claim_limit)], summary="A credential offer (credential_offer_uri)")
async def credential_offer(code: str, state: State, session: Session) -> JSONResponse:
    grant = await offer_grant(session, code)
    issuer = await state.issuers.of(grant.sig_id)
    first = await state.issuers.first()
    pre_authorized: dict[str, object] = {"pre-authorized_code": code}
    if grant.tx_code_hash is not None:
        pre_authorized["tx_code"] = {
            "input_mode": "numeric",
            "length": state.settings.oid4vci_tx_code_digits,
            "description": "The PIN shown beside the QR code on your claim page",
        }
    body = {
        "credential_issuer": issuer_url(state.settings.base_url, issuer, first=issuer.sig_id == first.sig_id),
        "credential_configuration_ids": list(grant.configurations),
        "grants": {PRE_AUTHORIZED_GRANT: pre_authorized},
    }
    return JSONResponse(body, headers=NO_STORE)


@router.get(
    "/o/{code}/qr.svg",
    summary="QR code of a credential offer",
    response_class=Response,
    responses=documented_content("image/svg+xml"),
)
async def credential_offer_qr(code: str, state: State, session: Session) -> Response:
    await offer_grant(session, code)
    return Response(qr_svg(offer_url(state.settings.base_url, code)), media_type="image/svg+xml", headers=NO_STORE)


# Token, nonce and credential endpoints (at /oid4vci/... and /sigs/<slug>/oid4vci/...) ----------


async def _token(request: Request, state: State, session: Session, slug: str | None) -> JSONResponse:
    form = await request.form()
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise InvalidRequest("grant_type is missing")
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise UnsupportedGrantType(f"only grant_type {PRE_AUTHORIZED_GRANT} is supported")
    code, tx_code = form.get("pre-authorized_code"), form.get("tx_code") or form.get("user_pin")
    if not isinstance(code, str | None) or not isinstance(tx_code, str | None):
        raise InvalidRequest("pre-authorized_code and tx_code are form fields, not files")
    issuer, _issuer_id = await _issuer(state, slug)
    if code:
        grant = await offer_grant_or_none(session, code)
        if grant is not None and grant.sig_id != issuer.sig_id:
            raise InvalidGrant("this pre-authorized code is another credential issuer's")
    answer = await exchange_code(session, code, tx_code, state.settings)
    body = {
        "access_token": answer.access_token,
        "token_type": "Bearer",
        "expires_in": answer.expires_in,
        "c_nonce": answer.c_nonce,
        "c_nonce_expires_in": NONCE_SECONDS,
    }
    return JSONResponse(body, headers={**NO_STORE, "Pragma": "no-cache"})


async def offer_grant_or_none(session, code: str):
    try:
        return await offer_grant(session, code)
    except InvalidGrant:
        return None  # exchange_code says what is wrong with it


async def _nonce(state: State, session: Session) -> JSONResponse:
    return JSONResponse({"c_nonce": await new_nonce(session)}, headers=NO_STORE)


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _one_proof(body: dict) -> object:
    """The request's jwt proof: ``proofs.jwt`` (1.0, one element) or ``proof`` (draft 14)."""
    proofs, proof = body.get("proofs"), body.get("proof")
    if proofs is not None and proof is not None:
        raise InvalidRequest("give proof or proofs, not both")
    if proofs is not None:
        if not isinstance(proofs, dict) or set(proofs) != {"jwt"} or not isinstance(proofs["jwt"], list):
            raise InvalidProof('proofs must be {"jwt": [one proof JWT]}: only the jwt proof type is supported')
        if len(proofs["jwt"]) != 1:
            raise InvalidProof("give one proof per request: each credential is bound to one key")
        return proofs["jwt"][0]
    if not isinstance(proof, dict) or proof.get("proof_type") != "jwt":
        raise InvalidProof("the request needs a proof of possession of proof_type jwt")
    return proof.get("jwt")


async def _credential(
    request: Request, state: State, session: Session, slug: str | None, authorization: str | None
) -> JSONResponse:
    grant = await token_grant(session, _bearer(authorization))
    issuer, issuer_id = await _issuer(state, slug)
    if grant.sig_id != issuer.sig_id:
        raise InvalidToken("this access token is another credential issuer's")
    try:
        body = await request.json()
    except ValueError:
        raise InvalidRequest("the credential request must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidRequest("the credential request must be a JSON object")
    draft14 = "credential_configuration_id" not in body
    if draft14:
        if "credential_identifier" in body:
            raise InvalidRequest("credential_identifier is not offered here: name a credential_configuration_id")
        fmt = draft14_format(body.get("format"), body.get("credential_definition"))
        if fmt is None:
            raise UnsupportedCredentialType(
                "format must be ldp_vc or jwt_vc_json with credential_definition.type "
                "[VerifiableCredential, OpenBadgeCredential]"
            )
        configuration = await requested_configuration(session, grant, None, fmt)
    else:
        configuration = await requested_configuration(session, grant, body["credential_configuration_id"], None)
    context = IssueContext(
        agent=state.agent,
        issuer=issuer,
        issuer_id=issuer_id,
        base_url=state.settings.base_url,
        contexts=state.contexts,
        allow_reissue=state.settings.oid4vci_allow_reissue,
    )
    try:
        credential = await issue_credential(session, grant, configuration, _one_proof(body), context)
    except InvalidNonce as exc:
        exc.extra = {"c_nonce": await new_nonce(session), "c_nonce_expires_in": NONCE_SECONDS}
        raise
    # A fresh nonce in either shape: Credo signs the next request's proof with it (1.0 has the nonce
    # endpoint for that, but Credo 0.6 reads the nonce of the previous answer).
    fresh = {"c_nonce": await new_nonce(session), "c_nonce_expires_in": NONCE_SECONDS}
    answer = {"credential": credential, **fresh} if draft14 else {"credentials": [{"credential": credential}], **fresh}
    return JSONResponse(answer, headers=NO_STORE)


Authorization = Annotated[str | None, Header()]


@router.post("/oid4vci/token", dependencies=[Depends(claim_limit)], summary="Token endpoint (pre-authorized code)")
async def token(request: Request, state: State, session: Session) -> JSONResponse:
    return await _token(request, state, session, None)


@router.post("/sigs/{sig}/oid4vci/token", dependencies=[Depends(claim_limit)], summary="A SIG's token endpoint")
async def sig_token(sig: str, request: Request, state: State, session: Session) -> JSONResponse:
    return await _token(request, state, session, sig)


@router.post("/oid4vci/nonce", dependencies=[Depends(claim_limit)], summary="Nonce endpoint: a c_nonce for a proof")
async def nonce(state: State, session: Session) -> JSONResponse:
    return await _nonce(state, session)


@router.post("/sigs/{sig}/oid4vci/nonce", dependencies=[Depends(claim_limit)], summary="A SIG's nonce endpoint")
async def sig_nonce(sig: str, state: State, session: Session) -> JSONResponse:
    await _issuer(state, sig)
    return await _nonce(state, session)


@router.post("/oid4vci/credential", summary="Credential endpoint (Bearer access token)")
async def credential(request: Request, state: State, session: Session, authorization: Authorization = None):
    return await _credential(request, state, session, None, authorization)


@router.post("/sigs/{sig}/oid4vci/credential", summary="A SIG's credential endpoint")
async def sig_credential(
    sig: str, request: Request, state: State, session: Session, authorization: Authorization = None
):
    return await _credential(request, state, session, sig, authorization)
