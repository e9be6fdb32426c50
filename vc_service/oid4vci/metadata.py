"""What a wallet reads before it asks: the credential issuer's metadata (OID4VCI 1.0 §12.2), the
authorization server's (RFC 8414), and the configurations: one per badge and format.

A badge of one meeting, one talk or one membership term is a credential dataset of its own, and a
wallet asks once for each configuration an offer names (Credo does): one configuration for every
attendance badge would hand a member one of their meetings per offer. So a configuration is a
badge key (``attendance:meeting:12``, the same for every member of that meeting) in a format,
named for the wallet by what the badge is for."""

from dataclasses import dataclass
from urllib.parse import quote

from ..contexts.service import sig_context_url
from ..credentials.document import OB3_CONTEXT, VCDM_1_1
from ..issuer.identity import Issuer

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC = "ldp_vc"
JWT_VC_JSON = "jwt_vc_json"
FORMATS = (LDP_VC, JWT_VC_JSON)
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
# A JSON-LD badge is signed Ed25519Signature2018 for wallets: Credo resolves a did:key issuer to an
# Ed25519VerificationKey2018 key and refuses a 2020 proof by it (WALLETS.md).
LDP_PROOF_TYPE = "Ed25519Signature2018"
# Credo signs an ldp_vc proof through two layers, one naming the JOSE alg, one the suite: both listed.
PROOF_ALGS = {LDP_VC: ["EdDSA", LDP_PROOF_TYPE], JWT_VC_JSON: ["EdDSA"]}


def configuration_id(badge_key: str, fmt: str) -> str:
    return f"{badge_key.replace(':', '-')}_{fmt}"


def configuration_format(configuration_id: str) -> str | None:
    return next((fmt for fmt in FORMATS if configuration_id.endswith(f"_{fmt}")), None)


@dataclass(frozen=True)
class Configuration:
    badge_key: str
    format: str
    title: str  # what the badge is for, as the member's claim page says it

    @property
    def id(self) -> str:
        return configuration_id(self.badge_key, self.format)


def draft14_format(fmt: object, credential_definition: object) -> str | None:
    """The format a draft-14 request names by ``format`` and ``credential_definition``, if it is one
    of ours. Every badge has the same type list, so the request names no badge: the service hands
    out the offer's first badge not yet given in that format."""
    if fmt not in FORMATS or not isinstance(credential_definition, dict):
        return None
    types = credential_definition.get("type")
    return str(fmt) if isinstance(types, list) and set(types) == set(CREDENTIAL_TYPE) else None


def issuer_url(base_url: str, issuer: Issuer, first: bool) -> str:
    """The credential issuer identifier: the service's URL for the first SIG, ``/sigs/<slug>`` below
    it for every other (each SIG signs with its own DID, so it is an issuer of its own)."""
    return base_url if first else f"{base_url}/sigs/{issuer.slug}"


def offer_url(base_url: str, code: str) -> str:
    """What a wallet scans: the offer by reference, behind a short https URL."""
    return "openid-credential-offer://?credential_offer_uri=" + quote(f"{base_url}/o/{code}", safe="")


def endpoints(issuer_id: str) -> dict[str, str]:
    return {
        "token_endpoint": f"{issuer_id}/oid4vci/token",
        "credential_endpoint": f"{issuer_id}/oid4vci/credential",
        "nonce_endpoint": f"{issuer_id}/oid4vci/nonce",
    }


def _display(name: str, issuer: Issuer, description: str | None = None) -> list[dict]:
    display: dict[str, object] = {"name": name, "locale": "en"}
    if description:
        display["description"] = description
    if issuer.image:
        display["logo"] = {"uri": issuer.image, "alt_text": f"{issuer.name} logo"}
    return [display]


def configuration_metadata(configuration: Configuration, issuer: Issuer, base_url: str) -> dict:
    definition: dict[str, object] = {"type": CREDENTIAL_TYPE}
    if configuration.format == LDP_VC:
        definition = {"@context": [VCDM_1_1, OB3_CONTEXT, sig_context_url(base_url)], **definition}
    display = _display(configuration.title, issuer)
    return {
        "format": configuration.format,
        "scope": configuration.id,
        "cryptographic_binding_methods_supported": ["did:key"],
        "credential_signing_alg_values_supported": [LDP_PROOF_TYPE if configuration.format == LDP_VC else "EdDSA"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": PROOF_ALGS[configuration.format]}},
        "credential_definition": definition,
        "credential_metadata": {"display": display},  # OID4VCI 1.0
        "display": display,  # draft 14
    }


def credential_issuer_metadata(
    issuer: Issuer, issuer_id: str, base_url: str, configurations: list[Configuration]
) -> dict:
    return {
        "credential_issuer": issuer_id,
        **endpoints(issuer_id),
        "display": _display(issuer.name, issuer, issuer.description or None),
        "credential_configurations_supported": {
            configuration.id: configuration_metadata(configuration, issuer, base_url)
            for configuration in configurations
        },
    }


def authorization_server_metadata(issuer_id: str) -> dict:
    return {
        "issuer": issuer_id,
        "token_endpoint": endpoints(issuer_id)["token_endpoint"],
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "pre-authorized_grant_anonymous_access_supported": True,
        "token_endpoint_auth_methods_supported": ["none"],
    }
