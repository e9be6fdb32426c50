"""Claim and door tokens: random, known only to whoever holds the link. The database keeps their
SHA-256 and is searched by it, so a copy of the database opens no claim page and no door.

A random token needs no slow hash (unlike a password), as with the organizers' API keys.
"""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters (72 bits): the link's QR code stays small


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
