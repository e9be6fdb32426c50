"""Fetching status lists for verification: our own from the database, others over HTTP.

A foreign list is fetched under the outbound-fetch policy (vc_service/outbound), its answer
read a bounded piece at a time (decompressed here, so a small GZIP answer cannot inflate past
the cap), its issuer and proof checked, and only then kept: in a cache bounded in entries and
bytes, for its ``Cache-Control`` max-age, its own ``ttl`` and ``validUntil`` if it has them,
but never longer than the cache's own lifetime: its signature is checked once, not per
verification. Our own lists need neither fetch nor signature check; their bits are kept as
long as every verifier may keep them (the ``max-age`` the service publishes them with, within
the cache's lifetime), and until this controller changes a status; so is what we record of a
credential issued without a status entry.
"""

import asyncio
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from cachetools import TLRUCache, TTLCache
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..agent.errors import AgentFailed, AgentRejected
from ..credentials.dids import document_url
from ..credentials.document import InvalidCredential, as_list, issuer_id, parse_datetime, same_did
from ..issuer.identity import Issuers
from ..outbound.policy import OutboundRequest
from ..sig.service import UnknownSig
from ..status.bitstring import BitstringError, decode_list
from ..status.service import recorded_status, status_changes_made
from ..status.signing import UnknownStatusList, published_status_list

MAX_LIST_BYTES = 1_000_000  # of the answer, decoded
DEFAULT_MAX_AGE = 300.0


class StatusListUnavailable(Exception):
    """The status list could not be had or trusted; the message says why."""


@dataclass(frozen=True)
class FetchedList:
    issuer: str | None
    purpose: str
    bits: bytes


@dataclass(frozen=True)
class RecordedStatus:
    revoked: bool
    suspended: bool


class StatusListResolver:
    def __init__(
        self,
        sessions: async_sessionmaker,
        agent: AgentClient,
        base_url: str,
        issuers: Issuers,
        cache_entries: int,
        cache_bytes: int,
        cache_seconds: float,
        own_list_seconds: float = DEFAULT_MAX_AGE,
    ) -> None:
        self._sessions = sessions
        self._agent = agent
        # A SIG's list, or one at the unscoped URL it was published at before lists were per SIG.
        self._own = re.compile(re.escape(base_url) + r"/status/(?:([a-z0-9-]+)/)?(revocation|suspension)/(\d+)$")
        self._issuers = issuers
        # A transport of our own: no proxy from the environment, which would connect for us past
        # the policy's address check (SSL_CERT_FILE still counts).
        self._http = httpx.AsyncClient(follow_redirects=False, transport=httpx.AsyncHTTPTransport())
        # An entry weighs at least its share of the bytes, so the bytes bound the entries too.
        share = max(1, cache_bytes // cache_entries)
        self._cache: TLRUCache[str, tuple[FetchedList, float]] = TLRUCache(
            maxsize=cache_bytes,
            ttu=lambda _url, entry, now: now + min(entry[1], cache_seconds),
            getsizeof=lambda entry: max(len(entry[0].bits), share),
        )
        # Our own lists by (SIG slug, purpose, number), with the count of status changes this
        # process had made when each was read: any change since, and it is read again.
        self._own_cache: TTLCache[tuple, tuple[int, FetchedList]] = TTLCache(
            maxsize=cache_entries, ttl=min(own_list_seconds, cache_seconds)
        )
        # What we record of credentials issued without a status entry, by (credential id, issuer), likewise.
        self._recorded_cache: TTLCache[tuple[str, str], tuple[int, RecordedStatus | None]] = TTLCache(
            maxsize=cache_entries, ttl=min(own_list_seconds, cache_seconds)
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch(self, url: str, issuer: str | None, outbound: OutboundRequest) -> FetchedList:
        """The list at ``url``, which must be ``issuer``'s; ``StatusListUnavailable`` or
        ``OutboundRefused`` (the one generic text) say why not."""
        own = self._own.match(url)
        if own:
            fetched = await self._cached_own_list(own.group(1), own.group(2), int(own.group(3)))
        elif cached := self._cache.get(url):
            fetched = cached[0]
        else:
            fetched, lifetime = await self._foreign_list(url, issuer, outbound)
            if lifetime > 0 and self._cache.getsizeof((fetched, lifetime)) <= self._cache.maxsize:
                self._cache[url] = (fetched, lifetime)
        if fetched.issuer != issuer:
            raise StatusListUnavailable(f"status list {url} is not issued by the credential's issuer")
        return fetched

    async def recorded(self, credential_id: str, issuer: str) -> RecordedStatus | None:
        """What this service records of a credential it issued under ``issuer``, or None. Kept
        as our own lists' bits are (a database read costs more than the rest of a verification
        but the proof's, bench/MEASURED.md), and read again after a status change here."""
        changes = status_changes_made()  # before the read: a change while it runs is not missed
        cached = self._recorded_cache.get((credential_id, issuer))
        if cached is not None and cached[0] == changes:
            return cached[1]
        async with self._sessions() as session:
            row = await recorded_status(session, credential_id, issuer)
        recorded = None if row is None else RecordedStatus(revoked=row.revoked, suspended=row.suspended)
        self._recorded_cache[(credential_id, issuer)] = (changes, recorded)
        return recorded

    async def _cached_own_list(self, slug: str | None, purpose: str, number: int) -> FetchedList:
        changes = status_changes_made()  # before the read: a change while it runs is not missed
        cached = self._own_cache.get((slug, purpose, number))
        if cached is not None and cached[0] == changes:
            return cached[1]
        fetched = await self._own_list(slug, purpose, number)
        self._own_cache[(slug, purpose, number)] = (changes, fetched)
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

    async def _foreign_list(self, url: str, issuer: str | None, outbound: OutboundRequest) -> tuple[FetchedList, float]:
        """Issuer, then proof, then the bits: nothing is decompressed or kept for a list that is
        not the credential issuer's. With the list, the seconds it may be kept."""
        failure = f"status list {url} could not be fetched"
        body, max_age = await self._download(url, failure, outbound)
        try:
            credential = json.loads(body)
            subject = credential["credentialSubject"]
            encoded, purpose = subject["encodedList"], subject["statusPurpose"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StatusListUnavailable(f"status list {url} is not a BitstringStatusListCredential: {exc}") from exc
        list_issuer = issuer_id(credential)
        if list_issuer != issuer:
            raise StatusListUnavailable(f"status list {url} is not issued by the credential's issuer")
        signers = [
            proof.get("verificationMethod", "").split("#")[0]
            for proof in as_list(credential.get("proof"))
            if isinstance(proof, dict)
        ]
        if list_issuer is None or not signers or not all(same_did(signer, list_issuer) for signer in signers):
            raise StatusListUnavailable(f"status list {url} is not signed by its issuer {list_issuer}")
        if list_issuer.startswith("did:web:"):  # the agent would resolve it to check the proof
            await outbound.destination(
                document_url(list_issuer), f"the DID document of {list_issuer} could not be fetched"
            )
        try:
            verified = (await self._agent.verify_credential(credential)).get("verified")
        except (AgentRejected, AgentFailed) as exc:
            raise StatusListUnavailable(
                f"status list {url} has no valid proof: {str(exc).split(' on document')[0]}"
            ) from exc
        if not verified:
            raise StatusListUnavailable(f"status list {url} has no valid proof")
        try:
            bits = decode_list(encoded)
        except BitstringError as exc:
            raise StatusListUnavailable(f"status list {url} is not a BitstringStatusListCredential: {exc}") from exc
        return FetchedList(issuer=list_issuer, purpose=purpose, bits=bits), _lifetime(credential, max_age)

    async def _download(self, url: str, failure: str, outbound: OutboundRequest) -> tuple[bytes, float]:
        """The answer's body and max-age, connecting to the address the policy checked (not
        resolving the name again, which could now answer another address)."""
        try:
            async with asyncio.timeout(outbound.timeout()):  # name lookup included
                host, _port, address = await outbound.destination(url, failure)
                target = httpx.URL(url)
                headers = {
                    "Host": target.netloc.decode(),
                    "Accept": "application/vc+ld+json, application/json",
                    "Accept-Encoding": "gzip",
                }
                extensions = {"sni_hostname": host} if target.scheme == "https" else {}
                request = self._http.build_request(
                    "GET", target.copy_with(host=str(address)), headers=headers, extensions=extensions
                )
                response = await self._http.send(request, stream=True)
                try:
                    if response.status_code != 200:
                        raise outbound.refuse(failure, f"{url} answered {response.status_code}")
                    return await _capped_body(response, MAX_LIST_BYTES, outbound, failure), _max_age(response)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise outbound.refuse(failure, f"{url} gave no complete answer in time") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise outbound.refuse(failure, f"{url}: {exc.__class__.__name__} {exc}") from exc


async def _capped_body(response: httpx.Response, limit: int, outbound: OutboundRequest, failure: str) -> bytes:
    """The body, decoded, refused past ``limit`` bytes. GZIP is inflated here a bounded piece
    at a time: httpx would inflate each network chunk whole, a thousandfold."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise outbound.refuse(failure, f"{response.url} answered in the unasked-for encoding {encoding!r}")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            while chunk:
                if inflater:
                    piece, chunk = inflater.decompress(chunk, limit + 1 - len(body)), inflater.unconsumed_tail
                else:
                    piece, chunk = chunk, b""
                body += piece
                if len(body) > limit:
                    raise outbound.refuse(failure, f"{response.url} answered more than {limit} bytes")
    except zlib.error as exc:
        raise outbound.refuse(failure, f"{response.url} answered broken GZIP: {exc}") from exc
    if inflater and not inflater.eof:
        raise outbound.refuse(failure, f"{response.url} answered truncated GZIP")
    return bytes(body)


def _lifetime(credential: dict, max_age: float) -> float:
    """How long a list may be kept: its answer's max-age, and no longer than the list's own
    ``ttl`` (milliseconds, Bitstring Status List v1.0) or its ``validUntil`` say."""
    lifetimes = [max_age]
    ttl = credential["credentialSubject"].get("ttl")
    if isinstance(ttl, int | float) and not isinstance(ttl, bool):
        lifetimes.append(ttl / 1000)
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    if isinstance(valid_until, str):
        try:
            lifetimes.append((parse_datetime(valid_until, "validUntil") - datetime.now(UTC)).total_seconds())
        except InvalidCredential:
            lifetimes.append(0.0)  # an end nobody can read: not kept
    return max(0.0, min(lifetimes))


def _max_age(response: httpx.Response) -> float:
    match = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
    return float(match.group(1)) if match else DEFAULT_MAX_AGE
