"""The one settings object. Every field is read from ``VC_SERVICE_<NAME>`` (README lists them)."""

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, IPvAnyNetwork, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .timestamps import time_zone

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VC_SERVICE_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8000, description="Port the API listens on.")
    public_url: str | None = Field(
        None,
        description="Base URL under which others reach the API (contexts, status lists, "
        "claim links). Default: http://HOST:PORT.",
    )
    data_dir: Path = Field(Path("var"), description="Wallet, database and generated secrets.")
    contexts_dir: Path | None = Field(
        None,
        description="Directory of pinned JSON-LD contexts (manifest.json of url, file, "
        "sha256), besides the SIG's own in schemas/contexts. `make` sets ../shared/contexts.",
    )
    admin_api_key: str | None = Field(
        None,
        description="Organizer key, sent in the X-API-Key header. Default: generated once "
        "and kept in DATA_DIR/secrets.json.",
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the controller database. Default: SQLite in DATA_DIR."
    )
    agent_config_dir: Path = Field(PROJECT_DIR / "agent-config", description="The agent's YAML arg files.")
    agent_url: str | None = Field(
        None,
        description="Admin API URL of an agent run elsewhere (docker-compose): the controller then "
        "starts no agent of its own and uses this one.",
    )
    agent_admin_key: str | None = Field(
        None, description="The agent's admin API key. Default: generated once into DATA_DIR/secrets.json."
    )
    webhook_key: str | None = Field(
        None, description="Key the agent sends with its webhooks. Default: generated into DATA_DIR/secrets.json."
    )
    session_key: str | None = Field(
        None,
        description="Signs the dashboard's session cookies; the same on every controller behind one "
        "URL. Default: generated into DATA_DIR/secrets.json.",
    )
    claim_key: str | None = Field(
        None,
        description="Derives the members' claim links from the nonces in the database; the same on "
        "every controller on one database. Default: generated into DATA_DIR/secrets.json.",
    )
    agent_admin_port: int = Field(8031, description="Agent admin API port (bound to 127.0.0.1).")
    agent_inbound_port: int = Field(8030, description="Agent DIDComm inbound port.")
    agent_inbound_host: str = Field("127.0.0.1", description="Agent DIDComm inbound address.")
    agent_endpoint: str | None = Field(
        None,
        description="DIDComm endpoint wallets reach the agent at. "
        "Default: http://AGENT_INBOUND_HOST:AGENT_INBOUND_PORT.",
    )
    agent_start_timeout: float = Field(60.0, description="Seconds to wait for the agent to be ready.")
    agent_request_timeout: float = Field(15.0, description="Seconds for one call to the agent's admin API.")
    issuer_did_method: Literal["key", "web"] | None = Field(
        None,
        description="How the SIG's issuer DID is made, once, at the first start: `key` (did:key) or "
        "`web` (did:web of PUBLIC_URL, its DID document served by the controller; needs an https "
        "PUBLIC_URL). Default: `web` when PUBLIC_URL is https, else `key`.",
    )
    sig_name: str = Field("Special Interest Group", description="Issuer profile: name.")
    sig_url: str = Field("https://example.org/sig", description="Issuer profile: web page.")
    sig_description: str = Field("A community Special Interest Group.", description="Issuer profile: description.")
    sig_time_zone: str = Field(
        "UTC",
        description="The first SIG's time zone (IANA name, e.g. Europe/Berlin): meeting times are entered and shown in it.",
    )
    offer_timeout_seconds: float = Field(
        120.0,
        description="A wallet that has not answered a badge offer in this time gets a fresh one. "
        "Keep it above ACA-Py's delivery retries (4 tries, 10 s apart), so late replies still count.",
    )
    trusted_issuers: list[str] = Field(
        default_factory=list,
        description="DIDs of other issuers whose credentials verify without an 'unknown issuer' warning "
        '(JSON list, e.g. ["did:key:z6Mk..."]).',
    )
    status_list_max_age: int = Field(300, description="Seconds verifiers may cache a status list (Cache-Control).")
    status_fetch_timeout: float = Field(
        5.0, description="Seconds one fetch of another issuer's status list may take, all told."
    )
    status_cache_entries: int = Field(256, ge=1, description="Other issuers' status lists kept at most (cache).")
    status_cache_bytes: int = Field(
        32 * 1024 * 1024, ge=1, description="Bytes of other issuers' status lists (their bitstrings) kept at most."
    )
    status_cache_seconds: float = Field(
        300.0,
        ge=0,
        description="Longest a status list is kept by the verifier (another issuer's, whatever its Cache-Control says, or one of ours).",
    )
    outbound_request_timeout: float = Field(
        10.0,
        description="Seconds all fetches made for one verification may take together (status lists, did:web checks).",
    )
    outbound_allow_networks: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Non-public networks fetches on a request's behalf may reach (JSON list, e.g. "
        '["10.1.0.0/16"]); loopback, private and link-local addresses are refused otherwise, '
        "the service's own ports always.",
    )
    oauth_token_seconds: int = Field(
        600, ge=60, le=86400, description="Lifetime of an OAuth2 access token (POST /oauth/token), in seconds."
    )
    verify_rate_limit: int = Field(
        600, ge=1, description="Verifications a minute from one client address (API and verify page), 429 beyond."
    )
    claim_rate_limit: int = Field(
        60,
        ge=1,
        description="Claim-link requests a minute from one client address (wallet invitation, download, DID, "
        "VC-API exchange) and the OpenID4VCI offer, metadata, token and nonce calls, counted together; 429 beyond.",
    )
    login_rate_limit: int = Field(
        10, ge=1, description="Sign-in attempts a minute from one client address (dashboard form), 429 beyond."
    )
    door_rate_limit: int = Field(
        120,
        ge=1,
        description="Door check-ins a minute from one client address, 429 beyond: a meeting room's "
        "phones often share one public address (Wi-Fi behind NAT).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For names the client "
        "(comma list, e.g. `10.0.0.5,172.18.0.0/16`). Empty: the header is ignored, the peer is the client.",
    )
    login_lockout_failures: int = Field(
        5, ge=1, description="Failed sign-ins of one email within LOGIN_LOCKOUT_WINDOW_MINUTES that lock it."
    )
    login_lockout_window_minutes: int = Field(15, ge=1, description="The window in which failed sign-ins count.")
    login_lockout_minutes: int = Field(15, ge=1, description="How long a locked email's sign-ins are refused.")
    password_min_score: int = Field(
        3, ge=0, le=4, description="Least zxcvbn strength score (0-4) of an organizer's new password."
    )
    max_body_bytes: int = Field(1_000_000, description="Largest request body accepted (413 beyond).")
    proof_request_minutes: int = Field(15, description="How long a proof request waits for a wallet's answer.")
    door_window_minutes: int = Field(120, description="How long a meeting's door QR accepts check-ins.")
    vcapi_exchange_minutes: int = Field(
        30,
        ge=1,
        le=24 * 60,
        description="How long a VC-API exchange (the claim page's Learner Credential Wallet link) can be answered.",
    )
    oid4vci_code_ttl_seconds: int = Field(
        600,
        ge=30,
        le=7 * 86400,
        description="How long an OpenID4VCI credential offer's pre-authorized code may be traded for an "
        "access token (single use); the access token lives as long.",
    )
    oid4vci_tx_code_digits: int = Field(
        0,
        ge=0,
        le=12,
        description="Digits of the transaction code (PIN) an OpenID4VCI offer asks for, shown beside its QR "
        "code; 0: no PIN. A wrong PIN voids the offer.",
    )
    oid4vci_allow_reissue: bool = Field(
        False,
        description="Whether a badge a wallet picked up through OpenID4VCI may be picked up by another "
        "wallet key (a new phone): the same credential id and status entries, bound to the new key.",
    )
    smtp_host: str | None = Field(
        None,
        description="SMTP server that mails members their claim links when badges are added for them. "
        "Unset (the embedded default): nothing is mailed, and the dashboard says so.",
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(
        True, description="Upgrade the SMTP connection with STARTTLS (refused if the server cannot)."
    )
    smtp_username: str | None = Field(None, description="SMTP user name; with SMTP_PASSWORD, the client signs in.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_timeout: float = Field(
        30.0, gt=0, description="Seconds one message may take at the SMTP server, connection included."
    )
    mail_from: str | None = Field(
        None, description="From address of the members' mail. Default: no-reply@ the public URL's host."
    )
    mail_rate_limit: int = Field(
        60, ge=1, description="Messages a minute the service mails for one SIG; the rest wait their turn."
    )
    mail_retry_seconds: float = Field(
        30.0,
        gt=0,
        description="First wait after a temporary SMTP failure (4xx, no connection); it doubles with each "
        "try, and a message still refused after 8 tries fails.",
    )
    log_level: str = Field("info", description="Log level of the controller and the agent.")
    ledger_genesis: str | None = Field(
        None,
        description="Genesis transactions of the Hyperledger Indy network AnonCreds badges are "
        "registered on: a file path or an http(s) URL. Unset: no ledger, no AnonCreds badges.",
    )
    ledger_seed: str | None = Field(
        None,
        description="32-character seed of the issuer's public DID on the ledger, which must be "
        "allowed to write (a steward or endorser). Reaches the agent through its environment.",
    )
    tails_server_url: str | None = Field(
        None,
        description="Tails server of the revocation registries (ACA-Py's tails server API): "
        "the agent uploads to it, wallets download from it. Needed with a ledger.",
    )
    dev_ledger_dir: Path = Field(
        Path("var/ledger"), description="Work directory of the development Indy pool (vc-service ledger)."
    )
    dev_ledger_port: int = Field(
        9700,
        description="First port of the development Indy pool: its tails server; the 4 nodes take the next 8.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_addresses(cls, value: str | list[str]) -> list[str]:
        """Each entry an address or network: uvicorn would quietly never match a malformed one."""
        entries = [entry.strip() for entry in value.split(",")] if isinstance(value, str) else value
        for entry in filter(None, entries):
            try:
                ipaddress.ip_network(entry)
            except ValueError as exc:
                raise ValueError(f"VC_SERVICE_TRUSTED_PROXIES: {entry!r} is no address or network ({exc})") from None
        return [entry for entry in entries if entry]

    @field_validator("sig_time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            time_zone(value)
        except ValueError as exc:
            raise ValueError(f"VC_SERVICE_SIG_TIME_ZONE: {exc}") from None
        return value

    @model_validator(mode="after")
    def _did_web_needs_https(self) -> Self:
        if self.issuer_did_method == "web" and not self.base_url.startswith("https://"):
            raise ValueError(
                f"VC_SERVICE_ISSUER_DID_METHOD=web needs an https VC_SERVICE_PUBLIC_URL, not {self.base_url}"
            )
        return self

    @property
    def did_method(self) -> str:
        """The issuer DID method in effect (see ``issuer_did_method``)."""
        return self.issuer_did_method or ("web" if self.base_url.startswith("https://") else "key")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def agent_admin_url(self) -> str:
        return (self.agent_url or f"http://127.0.0.1:{self.agent_admin_port}").rstrip("/")

    @property
    def agent_endpoint_url(self) -> str:
        return self.agent_endpoint or f"http://{self.agent_inbound_host}:{self.agent_inbound_port}"

    @property
    def mail_enabled(self) -> bool:
        """An SMTP server is set (an empty VC_SERVICE_SMTP_HOST, as compose files pass, is none)."""
        return bool(self.smtp_host)

    @property
    def mail_sender(self) -> str:
        return self.mail_from or f"no-reply@{urlsplit(self.base_url).hostname}"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'vc_service.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
