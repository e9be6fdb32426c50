"""Claim and door tokens: random, known only to whoever holds the link. The database keeps their
SHA-256 and is searched by it, so a copy of the database opens no claim page and no door.

A random token needs no slow hash (unlike a password), as with the organizers' API keys.

A claim token is derived from the member's random claim nonce (in the database) with the
service's claim key (in the secrets file, never in the database): the organizer can be shown a
member's link again, and mail can carry it, while the database alone still opens nothing.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass


def new_token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters (72 bits): the link's QR code stays small


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def claim_token(claim_key: str, claim_nonce: str) -> str:
    """The claim token of a member's nonce: 12 characters (72 bits), as a random token."""
    digest = hmac.new(claim_key.encode(), claim_nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


@dataclass(frozen=True)
class NewClaim:
    """What a member row keeps of a new claim link (nonce and the token's hash) and the token."""

    nonce: str
    token: str
    token_hash: str


def new_claim(claim_key: str) -> NewClaim:
    nonce = secrets.token_urlsafe(12)
    token = claim_token(claim_key, nonce)
    return NewClaim(nonce=nonce, token=token, token_hash=token_hash(token))
