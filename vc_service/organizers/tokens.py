"""OAuth 2.0 client credentials (RFC 6749 §4.4), the VC-API way of authorising a client.

Each organizer API key is a client: ``client_id`` is the key's id (``GET /organizer-keys``,
printed by ``vc-service organizer key``), ``client_secret`` the key itself. An access token is
signed (itsdangerous, the service's session key, a salt of its own) and short-lived; it names
its key, which is looked up on every use, so a token dies with its key's revocation.
"""

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from .keys import active_api_key
from .models import OrganizerApiKey


class AccessTokens:
    def __init__(self, secret: str, lifetime_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="oauth2-access-token")
        self.lifetime_seconds = lifetime_seconds

    def issue(self, api_key: OrganizerApiKey) -> str:
        return self._serializer.dumps({"key": api_key.id})

    def key_id(self, token: str) -> int | None:
        """The id of the key a valid, unexpired token was issued to; None for anything else."""
        try:
            payload = self._serializer.loads(token, max_age=self.lifetime_seconds)
        except BadSignature:  # a forged, altered or expired (SignatureExpired) token
            return None
        key_id = payload.get("key") if isinstance(payload, dict) else None
        return key_id if isinstance(key_id, int) else None


async def authenticate_client(session: AsyncSession, client_id: str, client_secret: str) -> OrganizerApiKey | None:
    """The unrevoked key that is this client (its id and its secret both right), or None."""
    api_key = await active_api_key(session, client_secret)
    return api_key if api_key is not None and str(api_key.id) == client_id else None


async def token_api_key(session: AsyncSession, tokens: AccessTokens, token: str) -> OrganizerApiKey | None:
    """The unrevoked key a bearer token stands for, or None."""
    key_id = tokens.key_id(token)
    api_key = await session.get(OrganizerApiKey, key_id) if key_id is not None else None
    return api_key if api_key is not None and api_key.revoked_at is None else None
