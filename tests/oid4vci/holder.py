"""A minimal OID4VCI holder for the protocol tests, built on joserfc (not on the service's code):
an Ed25519 key as did:key, the proof JWTs a wallet signs, and the calls of the pre-authorized flow."""

import base64
import json
import time
import warnings
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import base58
import httpx
from joserfc import jws
from joserfc.jwk import OKPKey
from joserfc.util import urlsafe_b64decode

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@dataclass
class HolderKey:
    key: OKPKey = field(default_factory=lambda: OKPKey.generate_key("Ed25519"))

    @property
    def did(self) -> str:
        raw = urlsafe_b64decode(self.key.as_dict()["x"].encode())
        return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def proof(self, audience: str, nonce: str | None, *, by_jwk: bool = False, **overrides) -> str:
        header = {"typ": "openid4vci-proof+jwt", "alg": "EdDSA"}
        header.update({"jwk": self.key.as_dict(private=False)} if by_jwk else {"kid": self.kid})
        header.update(overrides.pop("header", {}))
        claims = {"aud": audience, "iat": int(time.time()), **({"nonce": nonce} if nonce else {})}
        claims.update(overrides)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc calls the EdDSA name deprecated (RFC 9864)
            return jws.serialize_compact(header, json.dumps(claims).encode(), self.key, algorithms=["EdDSA"])


def offer_uri(offer_url: str) -> str:
    """The https URL inside an ``openid-credential-offer://?credential_offer_uri=...`` link."""
    parts = urlsplit(offer_url)
    assert parts.scheme == "openid-credential-offer", offer_url
    return parse_qs(parts.query)["credential_offer_uri"][0]


@dataclass
class Wallet:
    """One run of the pre-authorized flow from an offer URL."""

    http: httpx.Client
    offer: dict
    metadata: dict

    @classmethod
    def from_offer_url(cls, http: httpx.Client, offer_url: str) -> "Wallet":
        offer = http.get(offer_uri(offer_url)).raise_for_status().json()
        issuer = offer["credential_issuer"]
        path = urlsplit(issuer).path
        metadata = http.get(f"{issuer.removesuffix(path)}/.well-known/openid-credential-issuer{path}").json()
        return cls(http, offer, metadata)

    @property
    def code(self) -> str:
        return self.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]

    @property
    def issuer(self) -> str:
        return self.offer["credential_issuer"]

    def token(self, code: str | None = None, **form) -> httpx.Response:
        data = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code or self.code, **form}
        return self.http.post(self.metadata["token_endpoint"], data=data)

    def access(self, **form) -> dict:
        answer = self.token(**form)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def nonce(self) -> str:
        return self.http.post(self.metadata["nonce_endpoint"]).raise_for_status().json()["c_nonce"]

    def request(self, access_token: str, body: dict) -> httpx.Response:
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        return self.http.post(self.metadata["credential_endpoint"], json=body, headers=headers)

    def request_v1(self, access_token: str, configuration_id: str, proof: str) -> httpx.Response:
        return self.request(access_token, {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}})

    def request_draft14(self, access_token: str, fmt: str, proof: str) -> httpx.Response:
        definition = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
        return self.request(
            access_token,
            {"format": fmt, "credential_definition": definition, "proof": {"proof_type": "jwt", "jwt": proof}},
        )


def jwt_parts(token: str) -> tuple[dict, dict]:
    header, payload, _signature = token.split(".")
    return json.loads(urlsafe_b64decode(header.encode())), json.loads(urlsafe_b64decode(payload.encode()))


def verify_jwt_by_did_key(token: str, did: str) -> dict:
    """The claims of a JWT signed by the Ed25519 key of ``did`` (a did:key), or an exception."""
    raw = base58.b58decode(did.removeprefix("did:key:z"))[2:]
    key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return json.loads(jws.deserialize_compact(token, key, algorithms=["EdDSA"]).payload)
