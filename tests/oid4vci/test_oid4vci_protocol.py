"""The OpenID4VCI issuer against the real service and its agent, driven by a joserfc test holder:
the pre-authorized flow in both request shapes and both formats, and every refusal with its
OAuth / OID4VCI error code."""

import hashlib
import uuid

import pytest

from .holder import HolderKey, Wallet, jwt_parts, verify_jwt_by_did_key

pytestmark = pytest.mark.agents

# A configuration is a badge (its key, the same for every member of a meeting or term) in a format.
MEMBERSHIP_LDP, MEMBERSHIP_JWT = "membership-2030-01-01_ldp_vc", "membership-2030-01-01_jwt_vc_json"


def member_with_membership(service, name: str = "Wallet Member", *terms: str) -> dict:
    organizer = service.client(organizer=True)
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    member = organizer.post("/members", json={"name": name, "email": email})
    assert member.status_code == 201, member.text
    for valid_until in terms or ("2030-01-01",):
        badge = organizer.post(
            f"/members/{member.json()['id']}/membership", json={"valid_until": f"{valid_until}T00:00:00Z"}
        )
        assert badge.status_code == 202, badge.text
    return member.json()


def offer_link(service, member: dict) -> dict:
    link = service.client(organizer=True).post(f"/members/{member['id']}/claim-link")
    assert link.status_code == 200, link.text
    return link.json()


def wallet_for(service, member: dict) -> Wallet:
    return Wallet.from_offer_url(service.client(), offer_link(service, member)["credential_offer_url"])


def error_of(answer) -> tuple[int, str]:
    body = answer.json()
    assert body["error_description"], body
    return answer.status_code, body["error"]


def test_metadata_names_each_badge_in_both_formats(service):
    member_with_membership(service)
    metadata = service.client().get("/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == service.url
    assert metadata["display"][0]["name"]
    configurations = metadata["credential_configurations_supported"]
    ldp, jwt = configurations[MEMBERSHIP_LDP], configurations[MEMBERSHIP_JWT]
    for configuration in (ldp, jwt):  # named for the wallet by what the badge is for
        assert configuration["credential_metadata"]["display"][0]["name"] == "Membership — valid until 1 Jan 2030"
    assert ldp["format"] == "ldp_vc" and "@context" in ldp["credential_definition"]
    assert ldp["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == [
        "EdDSA",
        "Ed25519Signature2018",
    ]
    assert jwt["format"] == "jwt_vc_json" and jwt["cryptographic_binding_methods_supported"] == ["did:key"]
    server = service.client().get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == service.url and server["token_endpoint"] == metadata["token_endpoint"]


def test_one_offer_holds_every_badge_of_a_kind(service):
    """Two membership terms are two badges: one offer, one token, both in both formats."""
    member = member_with_membership(service, "Renewed Member", "2030-01-01", "2031-01-01")
    wallet, holder = wallet_for(service, member), HolderKey()
    offered = wallet.offer["credential_configuration_ids"]
    assert offered == [
        MEMBERSHIP_LDP,
        MEMBERSHIP_JWT,
        "membership-2031-01-01_ldp_vc",
        "membership-2031-01-01_jwt_vc_json",
    ]
    token, issuer_did = wallet.access(), service.client().get("/issuer").json()["did"]
    nonce, ids = token["c_nonce"], []
    for configuration in offered:
        answer = wallet.request_v1(token["access_token"], configuration, holder.proof(wallet.issuer, nonce))
        assert answer.status_code == 200, answer.text
        nonce, credential = answer.json()["c_nonce"], answer.json()["credentials"][0]["credential"]
        ids.append(
            credential["id"] if isinstance(credential, dict) else verify_jwt_by_did_key(credential, issuer_did)["jti"]
        )
    assert ids[0] == ids[1] != ids[2] == ids[3], ids  # two badges, each in both formats
    badges = service.client(organizer=True).get(f"/members/{member['id']}/badges").json()
    assert [(b["state"], b["channel"]) for b in badges] == [("issued", "oid4vci")] * 2
    assert offer_link(service, member)["credential_offer_url"] is None


def test_a_wallet_picks_up_a_badge_in_both_formats_bound_to_its_key(service):
    member = member_with_membership(service)
    link = offer_link(service, member)
    assert link["credential_offer_url"].startswith("openid-credential-offer://?credential_offer_uri=")
    qr = service.client().get(link["credential_offer_qr_url"].removeprefix(service.url))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    wallet = Wallet.from_offer_url(service.client(), link["credential_offer_url"])
    assert wallet.offer["credential_configuration_ids"] == [MEMBERSHIP_LDP, MEMBERSHIP_JWT]
    holder = HolderKey()
    token = wallet.access()
    assert token["token_type"] == "Bearer" and token["c_nonce"]

    ldp = wallet.request_v1(token["access_token"], MEMBERSHIP_LDP, holder.proof(wallet.issuer, token["c_nonce"]))
    assert ldp.status_code == 200, ldp.text
    credential = ldp.json()["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"] == holder.did
    assert credential["proof"]["type"] == "Ed25519Signature2018"
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"  # one entry, an object: Credo's model
    verified = service.client().post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200 and verified.json()["verified"], verified.text

    # The answer's c_nonce signs the next proof (what Credo does), here with the key as a jwk.
    jwt = wallet.request_v1(
        token["access_token"], MEMBERSHIP_JWT, holder.proof(wallet.issuer, ldp.json()["c_nonce"], by_jwk=True)
    )
    assert jwt.status_code == 200, jwt.text
    vc_jwt = jwt.json()["credentials"][0]["credential"]
    header, _claims = jwt_parts(vc_jwt)
    issuer_did = service.client().get("/issuer").json()["did"]
    assert header["alg"] == "EdDSA" and header["kid"] == f"{issuer_did}#{issuer_did.removeprefix('did:key:')}"
    claims = verify_jwt_by_did_key(vc_jwt, issuer_did)
    assert claims["iss"] == issuer_did and claims["sub"] == holder.did and claims["jti"] == credential["id"]
    assert claims["vc"]["credentialStatus"] == credential["credentialStatus"]  # one badge, one status entry
    as_jwt = service.client().post("/credentials/verify", json={"verifiableCredential": vc_jwt})
    assert as_jwt.status_code == 200 and as_jwt.json()["checks"] == ["proof", "issuer", "validity", "status", "shape"]
    head, body, signature = vc_jwt.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    refused = service.client().post("/credentials/verify", json={"verifiableCredential": forged})
    assert refused.status_code == 400 and refused.json()["errors"][0]["check"] == "proof", refused.text
    garbage = service.client().post("/credentials/verify", json={"verifiableCredential": "not.a-jwt"})
    assert garbage.status_code == 422

    (badge,) = service.client(organizer=True).get(f"/members/{member['id']}/badges").json()
    assert badge["state"] == "issued" and badge["channel"] == "oid4vci"
    issued = [
        event
        for event in service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
        if event["action"] == "credential.issued" and event["subject"] == credential["id"]
    ]
    assert len(issued) == 1 and issued[0]["detail"]["delivery"] == "oid4vci"
    assert offer_link(service, member)["credential_offer_url"] is None  # nothing left to pick up


def test_the_draft_14_request_shape(service):
    member = member_with_membership(service)
    wallet, holder = wallet_for(service, member), HolderKey()
    token = wallet.access()
    answer = wallet.request_draft14(token["access_token"], "ldp_vc", holder.proof(wallet.issuer, token["c_nonce"]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["credential"]["credentialSubject"]["id"] == holder.did and answer.json()["c_nonce"]
    unknown = wallet.request_draft14(token["access_token"], "mso_mdoc", holder.proof(wallet.issuer, wallet.nonce()))
    assert error_of(unknown) == (400, "unsupported_credential_type")


def test_a_second_wallet_gets_no_second_credential(service):
    member = member_with_membership(service)
    first = wallet_for(service, member)
    first_token = first.access()
    holder = HolderKey()
    answer = first.request_v1(
        first_token["access_token"], MEMBERSHIP_LDP, holder.proof(first.issuer, first_token["c_nonce"])
    )
    assert answer.status_code == 200, answer.text
    # The same member's next offer still has the JSON-LD badge's other format: another key is refused it.
    second = wallet_for(service, member)
    second_token = second.access()
    other = second.request_v1(
        second_token["access_token"],
        MEMBERSHIP_JWT,
        HolderKey().proof(second.issuer, second_token["c_nonce"]),
    )
    assert error_of(other) == (400, "credential_request_denied")
    ids = service.query("SELECT COUNT(DISTINCT credential_id) FROM badges WHERE member_id = :id", id=member["id"])
    assert ids == [(1,)]


def test_the_same_key_gets_the_same_credential_from_an_earlier_offer(service):
    member = member_with_membership(service)
    first, earlier = wallet_for(service, member), wallet_for(service, member)  # two views of the page
    holder = HolderKey()
    token = first.access()
    picked = first.request_v1(token["access_token"], MEMBERSHIP_LDP, holder.proof(first.issuer, token["c_nonce"]))
    assert picked.status_code == 200, picked.text
    again_token = earlier.access()
    again = earlier.request_v1(
        again_token["access_token"], MEMBERSHIP_LDP, holder.proof(earlier.issuer, again_token["c_nonce"])
    )
    assert again.status_code == 200, again.text
    assert again.json()["credentials"] == picked.json()["credentials"]  # the stored credential, not a new one


def test_a_replayed_code_token_or_nonce_is_refused(service):
    wallet, holder = wallet_for(service, member_with_membership(service)), HolderKey()
    token = wallet.access()
    assert error_of(wallet.token()) == (400, "invalid_grant")  # the code again
    proof = holder.proof(wallet.issuer, token["c_nonce"])
    assert wallet.request_v1(token["access_token"], MEMBERSHIP_LDP, proof).status_code == 200
    replayed_token = wallet.request_v1(
        token["access_token"], MEMBERSHIP_LDP, holder.proof(wallet.issuer, wallet.nonce())
    )
    assert error_of(replayed_token) == (401, "invalid_token")
    assert replayed_token.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    replayed_nonce = wallet.request_v1(token["access_token"], MEMBERSHIP_JWT, proof)
    assert error_of(replayed_nonce) == (400, "invalid_nonce")
    assert replayed_nonce.json()["c_nonce"]  # a fresh one to sign with
    assert wallet.request(token["access_token"] + "x", {}).status_code == 401
    assert error_of(wallet.request("", {})) == (401, "invalid_token")


def test_an_expired_code_is_refused(service):
    wallet = wallet_for(service, member_with_membership(service))
    service.execute(
        "UPDATE oid4vci_grants SET code_expires_at = created_at WHERE code_hash = :hash", hash=_sha256(wallet.code)
    )
    expired = wallet.token()
    assert error_of(expired) == (400, "invalid_grant") and "expired" in expired.json()["error_description"]
    assert service.client().get(f"/o/{wallet.code}").status_code == 400  # the offer too


def test_a_proof_for_another_audience_or_key_or_without_nonce_is_refused(service):
    wallet, holder = wallet_for(service, member_with_membership(service)), HolderKey()
    token = wallet.access()["access_token"]

    def refused(proof: str, configuration: str = MEMBERSHIP_LDP) -> tuple[int, str]:
        return error_of(wallet.request_v1(token, configuration, proof))

    assert refused(holder.proof("https://elsewhere.example", wallet.nonce())) == (400, "invalid_proof")
    other = HolderKey()  # signed by another key than the one the header names
    forged = holder.proof(wallet.issuer, wallet.nonce(), header={"kid": other.kid})
    assert refused(forged) == (400, "invalid_proof")
    assert refused(holder.proof(wallet.issuer, None)) == (400, "invalid_proof")
    assert refused(holder.proof(wallet.issuer, "never-given")) == (400, "invalid_nonce")
    assert refused(holder.proof(wallet.issuer, wallet.nonce(), header={"typ": "JWT"})) == (400, "invalid_proof")
    assert refused(holder.proof(wallet.issuer, wallet.nonce(), iat=1)) == (400, "invalid_proof")
    assert refused(holder.proof(wallet.issuer, wallet.nonce()), "diploma_ldp_vc") == (
        400,
        "unknown_credential_configuration",
    )
    member_with_membership(service, "Another Member", "2031-01-01")
    assert refused(holder.proof(wallet.issuer, wallet.nonce()), "membership-2031-01-01_ldp_vc") == (
        400,
        "invalid_credential_request",
    )  # a configuration, but not offered to this member
    assert refused(holder.proof(wallet.issuer, wallet.nonce()), ["a", "list"]) == (  # type: ignore[arg-type]
        400,
        "unknown_credential_configuration",
    )
    good = wallet.request_v1(token, MEMBERSHIP_LDP, holder.proof(wallet.issuer, wallet.nonce()))
    assert good.status_code == 200, good.text  # the refusals used up nothing


def test_a_pin_is_asked_and_a_wrong_one_voids_the_offer(service):
    wallet = wallet_for(service, member_with_membership(service))
    service.execute(  # as an offer made with VC_SERVICE_OID4VCI_TX_CODE_DIGITS=4 and PIN 2468
        "UPDATE oid4vci_grants SET tx_code_hash = :pin WHERE code_hash = :hash",
        pin=_sha256("2468"),
        hash=_sha256(wallet.code),
    )
    assert (
        "tx_code"
        in service.client()
        .get(f"/o/{wallet.code}")
        .json()["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    )
    assert error_of(wallet.token()) == (400, "invalid_request")  # no PIN
    assert error_of(wallet.token(tx_code="1357")) == (400, "invalid_grant")
    assert error_of(wallet.token(tx_code="2468")) == (400, "invalid_grant")  # void after a wrong one
    right = wallet_for(service, member_with_membership(service))
    service.execute(
        "UPDATE oid4vci_grants SET tx_code_hash = :pin WHERE code_hash = :hash",
        pin=_sha256("2468"),
        hash=_sha256(right.code),
    )
    assert right.token(tx_code="2468").status_code == 200


def test_a_revoked_badge_picked_up_by_oid4vci_fails_verification(service):
    wallet, holder = wallet_for(service, member_with_membership(service)), HolderKey()
    token = wallet.access()
    ldp = wallet.request_v1(token["access_token"], MEMBERSHIP_LDP, holder.proof(wallet.issuer, token["c_nonce"]))
    credential = ldp.json()["credentials"][0]["credential"]
    vc_jwt = wallet.request_v1(
        token["access_token"], MEMBERSHIP_JWT, holder.proof(wallet.issuer, ldp.json()["c_nonce"])
    ).json()["credentials"][0]["credential"]
    revoked = service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": credential["id"], "action": "revoke", "reason": "test"}
    )
    assert revoked.status_code == 200, revoked.text
    for revoked_form in (credential, vc_jwt):
        verified = service.client().post("/credentials/verify", json={"verifiableCredential": revoked_form})
        assert verified.status_code == 400 and verified.json()["errors"][0]["check"] == "status", verified.text


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
