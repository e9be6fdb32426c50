"""What a DID Authentication presentation must carry before the agent checks its signature, and
the deep link the claim page shows (no agent: the signature is checked end to end elsewhere)."""

import copy
from urllib.parse import parse_qs, urlsplit

import pytest

from vc_service.vcapi_exchange.presentation import (
    InvalidPresentation,
    PresentationRefused,
    check_domain,
    read_did_authentication,
)
from vc_service.vcapi_exchange.service import deep_link, exchange_url

HOLDER = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
OTHER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
PRESENTATION = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/suites/ed25519-2020/v1"],
    "type": ["VerifiablePresentation"],
    "holder": HOLDER,
    "proof": {
        "type": "Ed25519Signature2020",
        "verificationMethod": f"{HOLDER}#{HOLDER.removeprefix('did:key:')}",
        "proofPurpose": "authentication",
        "challenge": "the-challenge",
        "domain": "https://sig.example.org",
        "proofValue": "z3FXQ",
    },
}


def changed(**proof) -> dict:
    presentation = copy.deepcopy(PRESENTATION)
    presentation["proof"].update(proof)
    return presentation


def test_a_did_authentication_names_its_holder_challenge_and_domain():
    authentication = read_did_authentication(PRESENTATION)
    assert (authentication.holder, authentication.challenge, authentication.domain) == (
        HOLDER,
        "the-challenge",
        "https://sig.example.org",
    )
    assert read_did_authentication({**PRESENTATION, "holder": {"id": HOLDER}}).holder == HOLDER


@pytest.mark.parametrize(
    ("presentation", "refusal", "words"),
    [
        ({"type": ["VerifiableCredential"]}, InvalidPresentation, "verifiable presentation"),
        ([PRESENTATION], InvalidPresentation, "verifiable presentation"),
        ({**PRESENTATION, "proof": None}, InvalidPresentation, "exactly one proof"),
        ({**PRESENTATION, "proof": [PRESENTATION["proof"]] * 2}, InvalidPresentation, "exactly one proof"),
        (changed(challenge=None), InvalidPresentation, "no challenge"),
        (changed(challenge=""), InvalidPresentation, "no challenge"),
        (changed(domain=7), InvalidPresentation, "domain must be a string"),
        (changed(proofPurpose="assertionMethod"), PresentationRefused, "must be authentication"),
        ({**PRESENTATION, "verifiableCredential": [{"id": "urn:x"}]}, PresentationRefused, "carries no credentials"),
        ({**PRESENTATION, "holder": "did:web:example.org"}, PresentationRefused, "Ed25519 did:key"),
        ({**PRESENTATION, "holder": None}, PresentationRefused, "Ed25519 did:key"),
        ({**PRESENTATION, "holder": OTHER}, PresentationRefused, "not by its holder"),
        (changed(verificationMethod=None), PresentationRefused, "not by its holder"),
    ],
)
def test_what_is_not_a_did_authentication_is_refused_naming_the_problem(presentation, refusal, words):
    with pytest.raises(refusal, match=words):
        read_did_authentication(presentation)


def test_the_domain_is_the_services_and_may_be_left_out_only_where_none_was_asked():
    authentication = read_did_authentication(PRESENTATION)
    check_domain(authentication, "https://sig.example.org", required=True)
    with pytest.raises(PresentationRefused, match="is not 'https://other.example'"):
        check_domain(authentication, "https://other.example", required=False)
    without = read_did_authentication(changed(domain=None))
    check_domain(without, "https://sig.example.org", required=False)  # the LCW deep link sends none
    with pytest.raises(PresentationRefused, match="domain None"):
        check_domain(without, "https://sig.example.org", required=True)


def test_the_deep_link_is_the_lcw_credential_request():
    url = exchange_url("https://sig.example.org", "abc123")
    link = deep_link(HOLDER, url, "nonce")
    assert link.startswith("dccrequest://request?")
    assert {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()} == {
        "issuer": HOLDER,
        "vc_request_url": "https://sig.example.org/workflows/badges/exchanges/abc123",
        "challenge": "nonce",
        "auth_type": "bearer",
    }
