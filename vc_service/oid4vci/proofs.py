"""The holder's proof of possession (OID4VCI 1.0 §8.2.1.1, the ``jwt`` proof type): a JWT the
wallet signs with the key the badge is to be bound to. Its key is named by a did:key ``kid`` or
given as a ``jwk``; either way the holder is the did:key of that Ed25519 key."""

import json
import time
import warnings
from dataclasses import dataclass

import base58
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.util import to_bytes, urlsafe_b64decode, urlsafe_b64encode

from ..credentials.dids import ED25519_MULTICODEC
from .errors import InvalidProof

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALG = "EdDSA"
# How far a proof's ``iat`` may lie from now: the wallet signs it just before sending.
IAT_PAST_SECONDS = 300
IAT_FUTURE_SECONDS = 60


@dataclass(frozen=True)
class ProvenKey:
    holder_did: str  # the did:key of the key that signed the proof
    nonce: str  # the c_nonce the proof is bound to; the caller consumes it


def did_key_of(public_key: bytes) -> str:
    return "did:key:z" + base58.b58encode(ED25519_MULTICODEC + public_key).decode()


def public_key_of_did_key(did: str) -> bytes:
    """The raw Ed25519 key of a did:key; InvalidProof for any other DID or key type."""
    if not did.startswith("did:key:z"):
        raise InvalidProof(f"the proof's kid must be an Ed25519 did:key, not {did[:60]!r}")
    try:
        decoded = base58.b58decode(did.removeprefix("did:key:z"))
    except ValueError:
        raise InvalidProof("the proof's kid is not a valid did:key") from None
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != len(ED25519_MULTICODEC) + 32:
        raise InvalidProof("the proof's did:key is not an Ed25519 key (only EdDSA proofs are accepted)")
    return decoded[len(ED25519_MULTICODEC) :]


def _header(proof: str) -> dict:
    try:
        header = json.loads(urlsafe_b64decode(to_bytes(proof.split(".", 1)[0])))
    except (ValueError, UnicodeDecodeError):
        raise InvalidProof("the proof is not a compact JWT") from None
    if not isinstance(header, dict):
        raise InvalidProof("the proof's header is not a JSON object")
    return header


def _signing_key(header: dict) -> tuple[OKPKey, str]:
    """The key the header names, and the holder's DID."""
    kid, jwk = header.get("kid"), header.get("jwk")
    if (kid is None) == (jwk is None):
        raise InvalidProof("the proof's header must name its key by kid (a did:key) or jwk, one of them")
    if jwk is not None:
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
            raise InvalidProof("the proof's jwk must be a public Ed25519 key (kty OKP, crv Ed25519)")
        try:
            key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": str(jwk.get("x"))})
        except (JoseError, ValueError, TypeError):
            raise InvalidProof("the proof's jwk is not a valid Ed25519 key") from None
        return key, did_key_of(urlsafe_b64decode(to_bytes(key.as_dict()["x"])))
    if not isinstance(kid, str):
        raise InvalidProof("the proof's kid must be a string")
    did, _, fragment = kid.partition("#")
    raw = public_key_of_did_key(did)
    if fragment and fragment != did.removeprefix("did:key:"):
        raise InvalidProof("the proof's kid names a key its did:key does not have")
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": urlsafe_b64encode(raw).decode()}), did


def check_proof(proof: object, audience: str, now: float | None = None) -> ProvenKey:
    """Signature, ``typ``, ``alg``, key, ``aud`` and ``iat`` checked; the nonce is returned for the
    caller to consume (it is single use, in the database)."""
    if not isinstance(proof, str) or proof.count(".") != 2:
        raise InvalidProof("the proof must be a compact JWT (header.payload.signature)")
    header = _header(proof)
    if header.get("typ") != PROOF_TYP:
        raise InvalidProof(f"the proof's typ must be {PROOF_TYP}, not {header.get('typ')!r}")
    if header.get("alg") != PROOF_ALG:
        raise InvalidProof(f"the proof's alg must be {PROOF_ALG}, not {header.get('alg')!r}")
    key, holder_did = _signing_key(header)
    try:
        with warnings.catch_warnings():
            # joserfc flags the "EdDSA" name as deprecated by RFC 9864; it is what wallets send.
            warnings.simplefilter("ignore")
            signed = jws.deserialize_compact(proof, key, algorithms=[PROOF_ALG])
    except JoseError:
        raise InvalidProof("the proof's signature does not verify with the key its header names") from None
    try:
        claims = json.loads(signed.payload)
    except ValueError:
        raise InvalidProof("the proof's payload is not JSON") from None
    if not isinstance(claims, dict):
        raise InvalidProof("the proof's payload is not a JSON object")
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise InvalidProof(f"the proof's aud must be this credential issuer, {audience}, not {aud!r}")
    iat = claims.get("iat")
    now = time.time() if now is None else now
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise InvalidProof("the proof has no iat (issued at, seconds since the epoch)")
    if iat > now + IAT_FUTURE_SECONDS or iat < now - IAT_PAST_SECONDS:
        raise InvalidProof(f"the proof's iat is not within {IAT_PAST_SECONDS} seconds of now")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise InvalidProof("the proof has no nonce: get a c_nonce from the nonce endpoint")
    return ProvenKey(holder_did=holder_did, nonce=nonce)
