"""Which proofs the verifier hands to the agent (fast: no agent, only the shape checks)."""

import base64

import pytest

from vc_service.verification.checks import detached_jws_problem, proof_problem

SIGNATURE = base64.urlsafe_b64encode(bytes(64)).rstrip(b"=").decode()
HEADER = base64.urlsafe_b64encode(b'{"alg":"EdDSA","b64":false,"crit":["b64"]}').rstrip(b"=").decode()
ED25519_2018 = {
    "type": "Ed25519Signature2018",
    "created": "2026-12-03T05:57:39+00:00",
    "proofPurpose": "assertionMethod",
    "verificationMethod": "did:key:z6Mk#z6Mk",
    "jws": f"{HEADER}..{SIGNATURE}",
}


def test_an_ed25519_signature_2018_proof_is_checked():
    assert proof_problem(ED25519_2018) is None


@pytest.mark.parametrize(
    "jws",
    [
        f"{HEADER}.payload.{SIGNATURE}",
        f"..{SIGNATURE}",
        f"{HEADER}..",
        f"{HEADER}..{SIGNATURE[:-8]}",
        "no-dots",
        "a..!",
    ],
)
def test_a_jws_that_is_not_detached_ed25519_is_refused(jws):
    assert detached_jws_problem(jws) == "jws is not a detached JWS with an Ed25519 signature (header..signature)"
    assert proof_problem({**ED25519_2018, "jws": jws}) is not None


def test_an_ed25519_signature_2018_proof_needs_its_jws():
    assert proof_problem({key: value for key, value in ED25519_2018.items() if key != "jws"}) == (
        "the proof has no jws (or not as a string)"
    )
