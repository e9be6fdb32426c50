"""Open Badges 3.0 as a VC-JWT (VCDM 1.1 §6.3.1, the ``jwt_vc_json`` format): the badge's
credential in the ``vc`` claim, its registered claims beside it, signed EdDSA by the SIG's key
through the agent."""

from ..agent.client import AgentClient
from ..credentials.document import parse_datetime
from ..issuer.identity import Issuer


def vc_jwt_claims(credential: dict, issuer: Issuer) -> dict:
    """``iss``, ``sub``, ``jti``, ``nbf`` and ``exp`` say what the credential says, as verifiers
    compare them with the ``vc`` claim."""
    claims: dict = {
        "iss": issuer.did,
        "jti": credential["id"],
        "nbf": int(parse_datetime(credential["issuanceDate"], "issuanceDate").timestamp()),
        "vc": credential,
    }
    subject_id = credential["credentialSubject"].get("id")
    if subject_id:
        claims["sub"] = subject_id
    if "expirationDate" in credential:
        claims["exp"] = int(parse_datetime(credential["expirationDate"], "expirationDate").timestamp())
    return claims


async def sign_vc_jwt(agent: AgentClient, credential: dict, issuer: Issuer) -> str:
    return await agent.sign_jwt(vc_jwt_claims(credential, issuer), {"typ": "JWT"}, issuer.verification_method)
