"""The proof of possession check on its own: what it accepts and each thing it refuses."""

import time

import pytest

from vc_service.oid4vci.errors import InvalidProof
from vc_service.oid4vci.metadata import (
    Configuration,
    configuration_format,
    configuration_id,
    credential_issuer_metadata,
    draft14_format,
)
from vc_service.oid4vci.proofs import check_proof, public_key_of_did_key

from .holder import HolderKey

AUDIENCE = "https://sig.example.org"


def test_a_proof_by_did_key_or_jwk_names_the_holder_did():
    holder = HolderKey()
    for by_jwk in (False, True):
        proven = check_proof(holder.proof(AUDIENCE, "n-1", by_jwk=by_jwk), AUDIENCE)
        assert proven.holder_did == holder.did and proven.nonce == "n-1"
    assert len(public_key_of_did_key(holder.did)) == 32


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"aud": "https://other.example"}, "aud"),
        ({"iat": int(time.time()) - 3600}, "iat"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"header": {"typ": "JWT"}}, "typ"),
        ({"header": {"kid": HolderKey().kid}}, "signature"),  # signed by another key than named
        ({"header": {"kid": "did:web:example.org#key-1"}}, "did:key"),
        ({"header": {"kid": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#other"}}, "kid"),
    ],
)
def test_refused_proofs(change, says):
    holder = HolderKey()
    with pytest.raises(InvalidProof, match=says):
        check_proof(holder.proof(AUDIENCE, "n-1", **change), AUDIENCE)


def test_a_proof_needs_a_nonce_and_one_key():
    holder = HolderKey()
    with pytest.raises(InvalidProof, match="nonce"):
        check_proof(holder.proof(AUDIENCE, None), AUDIENCE)
    both = holder.proof(AUDIENCE, "n", header={"jwk": holder.key.as_dict(private=False)})
    with pytest.raises(InvalidProof, match="one of them"):
        check_proof(both, AUDIENCE)
    for garbage in ("", "a.b", "x.y.z", 17):
        with pytest.raises(InvalidProof):
            check_proof(garbage, AUDIENCE)


def test_draft_14_requests_name_a_format_and_the_badge_type():
    definition = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
    assert draft14_format("ldp_vc", definition) == "ldp_vc"
    assert draft14_format("jwt_vc_json", definition) == "jwt_vc_json"
    assert draft14_format("mso_mdoc", definition) is None
    assert draft14_format("ldp_vc", {"type": ["VerifiableCredential"]}) is None


def test_a_configuration_is_a_badge_key_in_a_format():
    for key in ("attendance:meeting:12", "presenter:talk:3", "membership:2030-06-30"):
        for fmt in ("ldp_vc", "jwt_vc_json"):
            assert configuration_format(configuration_id(key, fmt)) == fmt
    assert configuration_id("presenter:talk:3", "ldp_vc") == "presenter-talk-3_ldp_vc"
    assert configuration_format("presenter-talk-3_mso_mdoc") is None


def test_metadata_carries_the_sig_display_and_logo():
    from vc_service.issuer.identity import Issuer

    issuer = Issuer(1, "imaging", "did:key:z6Mk", "Imaging SIG", None, "Images", image="https://x.example/logo.png")
    talk = Configuration("presenter:talk:3", "jwt_vc_json", "Presenter — Pixels (Journal club, 3 Dec 2026)")
    metadata = credential_issuer_metadata(issuer, f"{AUDIENCE}/sigs/imaging", AUDIENCE, [talk])
    assert metadata["credential_issuer"] == f"{AUDIENCE}/sigs/imaging"
    assert metadata["credential_endpoint"] == f"{AUDIENCE}/sigs/imaging/oid4vci/credential"
    assert metadata["display"][0] == {
        "name": "Imaging SIG",
        "locale": "en",
        "description": "Images",
        "logo": {"uri": "https://x.example/logo.png", "alt_text": "Imaging SIG logo"},
    }
    (configuration,) = metadata["credential_configurations_supported"].values()
    assert configuration["display"][0]["name"] == "Presenter — Pixels (Journal club, 3 Dec 2026)"
    assert configuration["display"][0]["logo"]["uri"] == "https://x.example/logo.png"
