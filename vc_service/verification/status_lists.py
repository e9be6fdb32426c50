"""Fetching status lists for verification: our own from the database, others over HTTP.

A foreign list is fetched with a bounded timeout and size, its proof checked by the agent,
and kept for its ``Cache-Control`` max-age (default five minutes), so a busy verifier does
not fetch it per credential. Our own lists need neither fetch nor signature check.
"""

import re
import time
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..issuer.identity import Issuers
from ..sig.service import UnknownSig
from ..status.bitstring import BitstringError, decode_list
from ..status.signing import UnknownStatusList, published_status_list

MAX_LIST_BYTES = 1_000_000
DEFAULT_MAX_AGE = 300.0


class StatusListUnavailable(Exception):
    """The status list could not be had or trusted; the message says why."""


@dataclass(frozen=True)
class FetchedList:
    issuer: str | None
    purpose: str
    bits: bytes


class StatusListResolver:
    def __init__(
        self, sessions: async_sessionmaker, agent: AgentClient, base_url: str, issuers: Issuers, timeout: float
    ) -> None:
        self._sessions = sessions
        self._agent = agent
        # A SIG's list, or one at the unscoped URL it was published at before lists were per SIG.
        self._own = re.compile(re.escape(base_url) + r"/status/(?:([a-z0-9-]+)/)?(revocation|suspension)/(\d+)$")
        self._issuers = issuers
        self._http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._cache: dict[str, tuple[float, FetchedList]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch(self, url: str) -> FetchedList:
        own = self._own.match(url)
        if own:
            return await self._own_list(own.group(1), own.group(2), int(own.group(3)))
        cached = self._cache.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        fetched, max_age = await self._foreign_list(url)
        self._cache[url] = (time.monotonic() + max_age, fetched)
        return fetched

    async def _own_list(self, slug: str | None, purpose: str, number: int) -> FetchedList:
        try:
            sig_id = (await self._issuers.by_slug(slug)).sig_id if slug else None
            async with self._sessions() as session:
                status_list = await published_status_list(session, purpose, number, sig_id)
        except (UnknownSig, UnknownStatusList) as exc:
            place = "/".join(str(part) for part in (slug, purpose, number) if part)
            raise StatusListUnavailable(f"this service has no status list at {place}") from exc
        issuer = await self._issuers.of(status_list.sig_id)
        return FetchedList(issuer=issuer.did, purpose=purpose, bits=status_list.bits)

    async def _foreign_list(self, url: str) -> tuple[FetchedList, float]:
        if not url.startswith(("https://", "http://")):
            raise StatusListUnavailable(f"status list URL {url!r} is not an http(s) URL")
        try:
            response = await self._http.get(url, headers={"Accept": "application/vc+ld+json, application/json"})
        except httpx.TimeoutException as exc:
            raise StatusListUnavailable(f"status list {url} did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise StatusListUnavailable(f"status list {url} could not be fetched: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise StatusListUnavailable(f"status list {url} answered {response.status_code}")
        if len(response.content) > MAX_LIST_BYTES:
            raise StatusListUnavailable(f"status list {url} is larger than {MAX_LIST_BYTES} bytes")
        try:
            credential = response.json()
            subject = credential["credentialSubject"]
            bits = decode_list(subject["encodedList"])
            purpose = subject["statusPurpose"]
        except (ValueError, KeyError, TypeError, BitstringError) as exc:
            raise StatusListUnavailable(f"status list {url} is not a BitstringStatusListCredential: {exc}") from exc
        result = await self._agent.verify_credential(credential)
        if not result.get("verified"):
            raise StatusListUnavailable(f"status list {url} has no valid proof")
        issuer = credential.get("issuer")
        return FetchedList(issuer=issuer.get("id") if isinstance(issuer, dict) else issuer, purpose=purpose, bits=bits), _max_age(response)


def _max_age(response: httpx.Response) -> float:
    match = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
    return float(match.group(1)) if match else DEFAULT_MAX_AGE
