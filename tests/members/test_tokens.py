"""Claim tokens derived from a nonce and the claim key: shown again with the key, opened by neither alone."""

from vc_service.members.models import Member
from vc_service.members.service import member_claim_token
from vc_service.members.tokens import claim_token, new_claim, token_hash


def test_a_claim_token_is_derived_again_from_its_nonce_and_the_key():
    claim = new_claim("key-a")
    assert len(claim.token) == 12 and claim.token_hash == token_hash(claim.token)
    assert claim_token("key-a", claim.nonce) == claim.token
    assert member_claim_token("key-a", Member(claim_nonce=claim.nonce)) == claim.token


def test_another_key_or_nonce_derives_another_token():
    claim = new_claim("key-a")
    assert claim_token("key-b", claim.nonce) != claim.token
    assert new_claim("key-a").token != claim.token


def test_a_link_from_before_derived_tokens_cannot_be_shown_again():
    assert member_claim_token("key-a", Member(claim_nonce=None)) is None
