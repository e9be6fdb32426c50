"""The resolver of other issuers' status lists on its own, the agent faked: its cache, bounded
in entries, bytes and lifetime (issue 14, point 2), and its connection to the address the
outbound-fetch policy checked, over TLS too. tests/verification/test_outbound_fetch.py runs
the real service."""

import asyncio
import ipaddress
import json
import ssl
import time
from datetime import UTC, datetime, timedelta

import pytest
import trustme

from vc_service.issuer.identity import ensure_issuers
from vc_service.outbound.policy import OutboundPolicy, OutboundRequest
from vc_service.settings import Settings
from vc_service.status import service as status_service
from vc_service.status.bitstring import empty_bitstring, encode_list
from vc_service.status.service import allocate_status, change_status
from vc_service.verification.status_lists import FetchedList, RecordedStatus, StatusListResolver, _lifetime

from ..issuer.test_identity import FakeWallet

ISSUER = "did:key:z6MkIssuer"
LIST_BYTES = 131_072 // 8


def resolver(entries: int, size: int, seconds: float) -> tuple[StatusListResolver, list[str]]:
    resolver = StatusListResolver(None, None, "http://us.example", None, entries, size, seconds)
    fetched = []

    async def foreign_list(url, issuer, outbound):
        fetched.append(url)
        return FetchedList(issuer=ISSUER, purpose="revocation", bits=bytes(LIST_BYTES)), 10**9  # "keep it forever"

    resolver._foreign_list = foreign_list
    return resolver, fetched


async def fetch_all(resolver: StatusListResolver, urls: list[str]) -> None:
    for url in urls:
        await resolver.fetch(url, ISSUER, outbound=None)


async def test_a_list_is_kept_at_most_the_caches_own_lifetime():
    kept, fetched = resolver(entries=10, size=10**6, seconds=3600)
    await fetch_all(kept, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1"]
    expiring, fetched = resolver(entries=10, size=10**6, seconds=0)
    await fetch_all(expiring, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/1"]


async def test_the_cache_holds_a_bounded_number_of_lists():
    cache, fetched = resolver(entries=2, size=10**6, seconds=3600)
    await fetch_all(cache, ["https://a/1", "https://a/2", "https://a/3", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/2", "https://a/3", "https://a/1"]
    assert len(cache._cache) == 2


async def test_the_cache_holds_a_bounded_number_of_bytes():
    cache, fetched = resolver(entries=100, size=3 * LIST_BYTES, seconds=3600)
    await fetch_all(cache, [f"https://a/{n}" for n in range(5)])
    assert len(cache._cache) == 3 and cache._cache.currsize <= 3 * LIST_BYTES
    lonely, fetched = resolver(entries=100, size=LIST_BYTES - 1, seconds=3600)  # larger than the whole cache: not kept
    await fetch_all(lonely, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/1"]


class VerifyingAgent:
    async def verify_credential(self, credential: dict) -> dict:
        return {"verified": True}


@pytest.fixture
async def https_list_server(tmp_path, monkeypatch):
    """An HTTPS server on 127.0.0.1 with a certificate for ``status.invalid`` only, answering every
    request with a status list of ISSUER; the Host header of each request."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("status.invalid").configure_cert(context)
    hosts = []

    async def answer(reader, writer) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        hosts.append(
            next(line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith("host:"))
        )
        body = json.dumps(
            {
                "issuer": ISSUER,
                "proof": {"verificationMethod": f"{ISSUER}#key"},
                "credentialSubject": {"statusPurpose": "revocation", "encodedList": encode_list(empty_bitstring())},
            }
        ).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    yield server.sockets[0].getsockname()[1], hosts
    server.close()


class CheckedAddress(OutboundRequest):
    """The policy's answer for a name no resolver knows: the address it checked."""

    async def destination(self, url: str, failure: str):
        return "status.invalid", int(url.split(":")[2].split("/")[0]), ipaddress.ip_address("127.0.0.1")


async def test_a_list_is_fetched_from_the_checked_address_under_its_own_name_over_tls(https_list_server):
    port, hosts = https_list_server
    resolver = StatusListResolver(None, VerifyingAgent(), "http://us.example", None, 10, 10**6, 60)
    outbound = CheckedAddress(OutboundPolicy([], set(), 5.0, 10.0, 4), time.monotonic() + 10, 4)
    fetched = await resolver.fetch(f"https://status.invalid:{port}/list", ISSUER, outbound)
    await resolver.aclose()
    # Not resolved again (.invalid never resolves), the certificate checked for the name.
    assert fetched.bits == bytes(empty_bitstring()) and hosts == [f"status.invalid:{port}"]


def test_a_foreign_list_is_kept_no_longer_than_its_ttl_and_validity_say():
    subject = {"type": "BitstringStatusList", "encodedList": "u..."}
    assert _lifetime({"credentialSubject": subject}, 300) == 300
    assert _lifetime({"credentialSubject": {**subject, "ttl": 60_000}}, 300) == 60
    ending = (datetime.now(UTC) + timedelta(seconds=100)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert 90 < _lifetime({"credentialSubject": subject, "validUntil": ending}, 300) <= 100
    assert _lifetime({"credentialSubject": subject, "validUntil": "2020-01-01T00:00:00Z"}, 300) == 0  # not kept
    assert _lifetime({"credentialSubject": subject, "validUntil": "soon"}, 300) == 0


async def test_our_own_lists_are_read_again_after_a_status_change_only(monkeypatch):
    own = StatusListResolver(None, None, "http://us.example", None, 10, 10**6, 3600, own_list_seconds=300)
    reads = []

    async def own_list(slug, purpose, number):
        reads.append((slug, purpose, number))
        return FetchedList(issuer=ISSUER, purpose=purpose, bits=bytes(LIST_BYTES))

    own._own_list = own_list
    for _ in range(3):
        await own.fetch("http://us.example/status/sig/revocation/1", ISSUER, outbound=None)
    assert reads == [("sig", "revocation", 1)]
    monkeypatch.setattr(status_service, "_status_changes", status_service.status_changes_made() + 1)
    await own.fetch("http://us.example/status/sig/revocation/1", ISSUER, outbound=None)
    assert len(reads) == 2
    never_kept = StatusListResolver(None, None, "http://us.example", None, 10, 10**6, 3600, own_list_seconds=0)
    never_kept._own_list = own_list
    for _ in range(2):
        await never_kept.fetch("http://us.example/status/sig/revocation/1", ISSUER, outbound=None)
    assert len(reads) == 4


async def test_what_we_record_of_a_credential_is_read_again_after_a_status_change_only(sessions):
    issuer = await (await ensure_issuers(sessions, FakeWallet(), Settings())).first()
    async with sessions() as session:
        await allocate_status(session.bind, issuer.sig_id, issuer.slug, "urn:uuid:recorded")
    reads = []

    def counted_sessions():
        reads.append(1)
        return sessions()

    recorded = StatusListResolver(counted_sessions, None, "http://us.example", None, 10, 10**6, 3600)
    for _ in range(3):
        assert await recorded.recorded("urn:uuid:recorded", issuer.did) == RecordedStatus(False, False)
        assert await recorded.recorded("urn:uuid:unknown", issuer.did) is None  # not ours: kept as well
    assert len(reads) == 2
    async with sessions() as session:
        await change_status(session, issuer.sig_id, "urn:uuid:recorded", "revoke", "issued by mistake", "organizer")
    assert await recorded.recorded("urn:uuid:recorded", issuer.did) == RecordedStatus(revoked=True, suspended=False)
    assert len(reads) == 3
