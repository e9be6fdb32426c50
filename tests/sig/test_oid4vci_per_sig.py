"""OpenID4VCI with several SIGs: each SIG other than the first is a credential issuer of its own at
``/sigs/<slug>``, signing with its own DID; a code or token of one is refused by the other."""

import uuid

import pytest

from ..oid4vci.holder import HolderKey, Wallet, verify_jwt_by_did_key

pytestmark = pytest.mark.agents


def test_a_second_sig_issues_at_its_own_url_with_its_own_did(sigs_service, two_sigs):
    alpha, beta = two_sigs
    service = sigs_service
    with beta.client(service) as organizer:
        member = organizer.post("/members", json={"name": "Beta Wallet", "email": f"{uuid.uuid4().hex[:8]}@b.example"})
        member_id = member.json()["id"]
        assert organizer.post(
            f"/members/{member_id}/membership", json={"valid_until": "2031-01-01T00:00:00Z"}
        ).is_success
        offer_url = organizer.post(f"/members/{member_id}/claim-link").json()["credential_offer_url"]
    wallet = Wallet.from_offer_url(service.client(), offer_url)
    issuer_id = f"{service.url}/sigs/{beta.slug}"
    assert wallet.issuer == issuer_id and wallet.metadata["credential_issuer"] == issuer_id
    below = service.client().get(f"/sigs/{beta.slug}/.well-known/openid-credential-issuer").json()
    assert below == wallet.metadata
    assert (
        service.client().get(f"/.well-known/oauth-authorization-server/sigs/{beta.slug}").json()["issuer"] == issuer_id
    )
    assert service.client().get(f"/.well-known/openid-credential-issuer/sigs/{alpha.slug}").status_code == 404

    at_alpha = service.client().post(
        "/oid4vci/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": wallet.code},
    )
    assert at_alpha.status_code == 400 and at_alpha.json()["error"] == "invalid_grant"
    token = wallet.access()
    holder = HolderKey()
    elsewhere = service.client().post(
        "/oid4vci/credential",
        json={
            "credential_configuration_id": "membership-2031-01-01_ldp_vc",
            "proofs": {"jwt": [holder.proof(service.url, "n")]},
        },
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert elsewhere.status_code == 401 and elsewhere.json()["error"] == "invalid_token"  # Beta's token at Alpha
    # A proof for the first SIG's issuer is one for another audience here.
    wrong_aud = wallet.request_v1(
        token["access_token"], "membership-2031-01-01_jwt_vc_json", holder.proof(service.url, token["c_nonce"])
    )
    assert wrong_aud.json()["error"] == "invalid_proof"
    answer = wallet.request_v1(
        token["access_token"], "membership-2031-01-01_jwt_vc_json", holder.proof(issuer_id, wallet.nonce())
    )
    assert answer.status_code == 200, answer.text
    claims = verify_jwt_by_did_key(answer.json()["credentials"][0]["credential"], beta.did)
    assert claims["iss"] == beta.did and claims["sub"] == holder.did
