"""The Learner Credential Wallet end to end: a stand-in built on the app's own libraries
(tests/wallets/lcw/) follows the claim page's deep link and the VC-API exchange against the real
agent, stores the badges it gets and verifies them itself; the service's verifier agrees. Every
bad presentation is refused with a 4xx naming the problem, and issues nothing."""

import copy
import hashlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from .lcw import lcw, new_exchange, page_deep_link, waiting_members


def badge_rows(service, member: dict) -> list[tuple]:
    return service.query("SELECT id, state, delivery FROM badges WHERE member_id = :id ORDER BY id", id=member["id"])


def signed_presentation(service, wallet_dir: Path, challenge: str, domain: str | None = None, **extra) -> dict:
    # name=value: a random challenge may start with "-", which node's parseArgs takes for an option
    args = ["did-auth", f"--challenge={challenge}", *([f"--domain={domain}"] if domain else [])]
    args += [f"--{name}={value}" for name, value in extra.items()]
    return lcw(service, wallet_dir, *args)["verifiablePresentation"]


@pytest.fixture(scope="module")
def members(service) -> dict[str, dict]:
    return waiting_members(service, "Journal club: LCW", [f"lcw{index}@example.org" for index in range(4)])[1]


def test_the_claim_page_offers_a_small_deep_link_with_a_fresh_hashed_challenge(service, members):
    member = members["lcw0@example.org"]
    link = page_deep_link(service, member["token"])
    params = {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}
    assert set(params) == {"issuer", "vc_request_url", "challenge", "auth_type"}
    assert params["auth_type"] == "bearer"
    assert params["issuer"] == service.client().get("/issuer").json()["did"]
    assert params["vc_request_url"].startswith(f"{service.url}/workflows/badges/exchanges/")
    assert segno.make(link, error="m").version <= 10  # a phone reads it off a screen
    stored = {digest for (digest,) in service.query("SELECT challenge_hash FROM vcapi_exchanges")}
    assert hashlib.sha256(params["challenge"].encode()).hexdigest() in stored
    again = page_deep_link(service, member["token"])
    assert parse_qs(urlsplit(again).query)["challenge"][0] != params["challenge"]


def test_the_deep_link_issues_every_waiting_badge_to_the_wallet_did_once(service, members, tmp_path):
    member = members["lcw1@example.org"]
    waiting = [badge_id for badge_id, state, _ in badge_rows(service, member) if state == "pending"]
    assert waiting
    link = page_deep_link(service, member["token"])
    received = lcw(service, tmp_path, "deep-link", link)
    assert received["status"] == 200, received
    holder, credentials = received["holder"], received["credentials"]
    assert len(credentials) == len(waiting)
    assert [verdict["verified"] for verdict in received["verdicts"]] == [True] * len(credentials), received["verdicts"]
    assert len(list((tmp_path / "credentials").iterdir())) == len(credentials)
    for credential in credentials:
        assert credential["credentialSubject"]["id"] == holder
        assert credential["proof"]["type"] == "Ed25519Signature2020"
        assert sorted(entry["statusPurpose"] for entry in credential["credentialStatus"]) == [
            "revocation",
            "suspension",
        ]
        verdict = service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()
        assert verdict["verified"], verdict
    assert {(state, delivery) for _, state, delivery in badge_rows(service, member)} == {("issued", "vcapi")}
    events = service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
    issued = {e["subject"] for e in events if e["action"] == "credential.issued" and e["detail"]["delivery"] == "vcapi"}
    assert {credential["id"] for credential in credentials} <= issued
    assert any(e["action"] == "vcapi_exchange.answered" and e["actor"] == f"wallet:{holder}" for e in events)

    # The same link again: its challenge is used.
    replayed = lcw(service, tmp_path, "deep-link", link)
    assert replayed["status"] == 409 and "answered already" in replayed["error"]["detail"], replayed
    # A new exchange by the same wallet: the same credentials, nothing signed anew.
    retried = lcw(service, tmp_path, "exchange", new_exchange(service, member["token"]))
    assert retried["status"] == 200 and retried["credentials"] == credentials, retried


def test_the_vc_api_exchange_asks_for_did_authentication_and_answers_with_the_badges(service, members, tmp_path):
    member = members["lcw2@example.org"]
    url = new_exchange(service, member["token"])
    received = lcw(service, tmp_path, "exchange", url)
    assert received["status"] == 200, received
    request = received["request"]
    assert request["query"]["type"] == "DIDAuthentication" and request["domain"] == service.url
    assert request["interact"]["service"][0]["serviceEndpoint"] == url
    assert received["credentials"] and all(verdict["verified"] for verdict in received["verdicts"]), received
    assert {c["credentialSubject"]["id"] for c in received["credentials"]} == {received["holder"]}
    for credential in received["credentials"]:  # the wallet's own check, once more from its store
        stored = lcw(service, tmp_path, "verify", given=credential)
        assert stored == {"id": credential["id"], "verified": True}
    assert {delivery for _, _, delivery in badge_rows(service, member)} == {"vcapi"}


def requested(service, url: str) -> dict:
    answer = service.client().post(url.removeprefix(service.url), json={})
    assert answer.status_code == 200, answer.text
    return answer.json()["verifiablePresentationRequest"]


def without_challenge(service, wallet_dir, url, _other_url):
    presentation = signed_presentation(service, wallet_dir, requested(service, url)["challenge"], service.url)
    del presentation["proof"]["challenge"]
    return url, {"verifiablePresentation": presentation}


def wrong_challenge(service, wallet_dir, url, _other_url):
    requested(service, url)
    return url, {"verifiablePresentation": signed_presentation(service, wallet_dir, "not-the-challenge", service.url)}


def wrong_domain(service, wallet_dir, url, _other_url):
    challenge = requested(service, url)["challenge"]
    return url, {
        "verifiablePresentation": signed_presentation(service, wallet_dir, challenge, "https://elsewhere.example")
    }


def bad_signature(service, wallet_dir, url, _other_url):
    presentation = signed_presentation(service, wallet_dir, requested(service, url)["challenge"], service.url)
    tampered = copy.deepcopy(presentation)
    tampered["proof"]["created"] = "2020-01-01T00:00:00Z"
    return url, {"verifiablePresentation": tampered}


def holder_not_signer(service, wallet_dir, url, _other_url):
    someone = lcw(service, wallet_dir.parent / f"{wallet_dir.name}-other", "did-auth", "--challenge", "x")
    other_did = someone["verifiablePresentation"]["holder"]
    challenge = requested(service, url)["challenge"]
    return url, {
        "verifiablePresentation": signed_presentation(service, wallet_dir, challenge, service.url, holder=other_did)
    }


def expired_exchange(service, wallet_dir, url, _other_url):
    challenge = requested(service, url)["challenge"]
    exchange_id = url.rsplit("/", 1)[1]
    service.execute("UPDATE vcapi_exchanges SET expires_at = created_at WHERE exchange_id = :id", id=exchange_id)
    return url, {"verifiablePresentation": signed_presentation(service, wallet_dir, challenge, service.url)}


def another_members_exchange(service, wallet_dir, url, other_url):
    """A presentation for another member's exchange, sent to this one."""
    challenge = requested(service, other_url)["challenge"]
    requested(service, url)
    return url, {"verifiablePresentation": signed_presentation(service, wallet_dir, challenge, service.url)}


def deep_link_wrong_domain(service, wallet_dir, url, _other_url):
    """The deep link's presentation may leave the domain out; a wrong one is still refused."""
    challenge = requested(service, url)["challenge"]
    return url, signed_presentation(service, wallet_dir, challenge, "https://elsewhere.example")


REFUSALS = {
    without_challenge: (400, "no challenge"),
    wrong_challenge: (422, "challenge is not the one"),
    wrong_domain: (422, "domain 'https://elsewhere.example' is not"),
    bad_signature: (422, "does not verify"),
    holder_not_signer: (422, "not by its holder"),
    expired_exchange: (410, "expired"),
    another_members_exchange: (403, "another member's exchange"),
    deep_link_wrong_domain: (422, "domain"),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=lambda case: case.__name__)
def test_a_bad_presentation_is_refused_naming_the_problem_and_issues_nothing(service, members, tmp_path, case):
    member, other = members["lcw3@example.org"], members["lcw0@example.org"]
    before = badge_rows(service, member), badge_rows(service, other)
    url, body = case(service, tmp_path, new_exchange(service, member["token"]), new_exchange(service, other["token"]))
    answer = service.client().post(url.removeprefix(service.url), json=body)
    status, words = REFUSALS[case]
    assert answer.status_code == status and words in answer.json()["detail"], answer.text
    assert (badge_rows(service, member), badge_rows(service, other)) == before
    ((used,),) = service.query("SELECT used_at FROM vcapi_exchanges WHERE exchange_id = :id", id=url.rsplit("/", 1)[1])
    assert used is None


def test_unknown_exchanges_and_bodies_are_refused(service, members):
    client = service.client()
    assert client.post("/workflows/badges/exchanges/nope", json={}).status_code == 404
    url = new_exchange(service, members["lcw3@example.org"]["token"]).removeprefix(service.url)
    assert client.post(url.replace("/badges/", "/other/"), json={}).status_code == 404
    odd = client.post(url, json={"hello": "world"})
    assert odd.status_code == 400 and "verifiablePresentation" in odd.json()["detail"], odd.text
    assert client.post("/c/not-a-token/exchanges").status_code == 404
