"""Fetching status lists for verification: our own from the database, others over HTTP.

A foreign list is fetched under the outbound-fetch policy (vc_service/outbound), its answer
read a bounded piece at a time (decompressed here, so a small GZIP answer cannot inflate past
the cap), its issuer and proof checked, and only then kept: in a cache bounded in entries and
bytes, for its ``Cache-Control`` max-age but never longer than the cache's own lifetime. Our
own lists need neither fetch nor signature check.
"""

import asyncio
import json
import re
import zlib
from dataclasses import dataclass

import httpx
from cachetools import TLRUCache
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..agent.errors import AgentFailed, AgentRejected
from ..credentials.dids import document_url
from ..credentials.document import as_list, issuer_id, same_did
from ..issuer.identity import Issuers
from ..outbound.policy import OutboundRequest
from ..sig.service import UnknownSig
from ..status.bitstring import BitstringError, decode_list
from ..status.models import CredentialStatus
from ..status.service import recorded_status
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

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch(self, url: str, issuer: str | None, outbound: OutboundRequest) -> FetchedList:
        """The list at ``url``, which must be ``issuer``'s; ``StatusListUnavailable`` or
        ``OutboundRefused`` (the one generic text) say why not."""
        own = self._own.match(url)
        if own:
            fetched = await self._own_list(own.group(1), own.group(2), int(own.group(3)))
        elif cached := self._cache.get(url):
            fetched = cached[0]
        else:
            fetched, max_age = await self._foreign_list(url, issuer, outbound)
            if self._cache.getsizeof((fetched, max_age)) <= self._cache.maxsize:
                self._cache[url] = (fetched, max_age)
        if fetched.issuer != issuer:
            raise StatusListUnavailable(f"status list {url} is not issued by the credential's issuer")
        return fetched

    async def recorded(self, credential_id: str, issuer: str) -> CredentialStatus | None:
        """What this service records of a credential it issued under ``issuer``, or None."""
        async with self._sessions() as session:
            return await recorded_status(session, credential_id, issuer)

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
        not the credential issuer's."""
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
        return FetchedList(issuer=list_issuer, purpose=purpose, bits=bits), max_age

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


def _max_age(response: httpx.Response) -> float:
    match = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
    return float(match.group(1)) if match else DEFAULT_MAX_AGE
