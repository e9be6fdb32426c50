"""Secrets the controller generates once and keeps in the data directory (mode 0600)."""

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class ServiceSecrets:
    agent_admin_key: str  # the agent's admin API key: only the controller calls that API
    webhook_key: str  # the agent sends it as x-api-key on every webhook
    wallet_key: str  # the askar wallet's encryption key
    organizer_key: str  # X-API-Key of organizers, unless VC_SERVICE_ADMIN_API_KEY sets one
    session_key: str  # signs the dashboard's session cookies
    claim_key: str  # derives members' claim tokens from their nonces (members/tokens.py)

    @classmethod
    def load_or_create(cls, data_dir: Path, given: dict[str, str | None] | None = None) -> "ServiceSecrets":
        """The secrets of ``given`` (from the environment, e.g. under docker-compose), the others
        from the data directory's file, generated there the first time."""
        path = data_dir / SECRETS_FILE
        stored = json.loads(path.read_text()) if path.exists() else {}
        values = {name: stored.get(name) or secrets.token_urlsafe(32) for name in cls.__dataclass_fields__}
        if values != stored:
            data_dir.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump(values, file, indent=2)
        return cls(**{**values, **{name: value for name, value in (given or {}).items() if value}})

    def __repr__(self) -> str:  # never let a log line or a traceback print a key
        return f"ServiceSecrets({', '.join(f'{name}=***' for name in asdict(self))})"
