"""Status lists and did:web issuers fetched on a verifier's behalf (security review, issue 14,
points 2, 3, 12): hostile answers from a loopback server cost the real running controller
little memory and end as a failed check, never a 5xx; destinations the outbound-fetch policy
refuses are not contacted and read like any other failure.

The shared service allows fetches from 127.0.0.1 only (tests/support.py LOOPBACK_FETCHES).
"""

import base64
import json
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from vc_service.status.bitstring import empty_bitstring, encode_list

from ..support import attendance_credential

MB = 1024 * 1024
RSS_GROWTH_LIMIT = 50 * MB
VCDM2 = "https://www.w3.org/ns/credentials/v2"


class ListServer:
    """A loopback HTTP server answering each path with a handler of the test's; counts
    connections (TLS ones too, which never become requests) and requests."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.answers: dict[str, callable] = {}
        self.requests: list[str] = []
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                answer = server.answers.get(self.path)
                try:
                    if answer is None:
                        self.send_error(404)
                    else:
                        answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the controller gave up reading, as it should

            def log_message(self, *args) -> None:
                pass

        class Counting(ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:
                server.connections += 1
                return True

        self._http = Counting((host, 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        self.base = f"http://{host}:{self._http.server_address[1]}"

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture(scope="module")
def lists():
    server = ListServer()
    yield server
    server.close()


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def zeros_gzip(size: int) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(deflater.compress(bytes(MB)) for _ in range(size // MB)) + deflater.flush()


def sign(wallet, document: dict) -> dict:
    with wallet.admin() as admin:
        response = admin.post("/vc/credentials/issue", json={"credential": document})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def status_entry(url: str, index: int = 7) -> dict:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def badge(wallet, did: str, *entries: dict) -> dict:
    """A foreign badge signed by the wallet under ``did``, with these status entries."""
    return sign(
        wallet,
        attendance_credential(
            id=f"urn:uuid:{uuid.uuid4()}",
            issuer={"id": did, "type": ["Profile"], "name": "Another SIG"},
            validFrom="2026-11-20T17:00:00Z",
            credentialStatus=list(entries),
        ),
    )


def status_list(url: str, did: str, encoded: str | None = None) -> dict:
    return {
        "@context": [VCDM2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2026-11-20T17:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded or encode_list(empty_bitstring()),
        },
    }


def json_answer(document: dict, headers: dict | None = None):
    body = json.dumps(document).encode()

    def answer(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/vc+ld+json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def huge_body(handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(200 * MB))
    handler.end_headers()
    for _ in range(200):
        handler.wfile.write(bytes(MB))


GZIP_BOMB = None


def gzip_bomb(handler) -> None:
    global GZIP_BOMB
    GZIP_BOMB = GZIP_BOMB or zeros_gzip(400 * MB)  # about 400 KB on the wire
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(GZIP_BOMB)))
    handler.end_headers()
    handler.wfile.write(GZIP_BOMB)


def slow_drip(handler) -> None:
    """A byte every half second: each read is quick, the whole answer never comes."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100000):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


def verify(service, credential: dict, timeout: float = 60) -> tuple[int, dict, float]:
    started = time.monotonic()
    with service.client() as client:
        response = client.post("/credentials/verify", json={"verifiableCredential": credential}, timeout=timeout)
    return response.status_code, response.json(), time.monotonic() - started


def status_errors(verdict: dict) -> list[str]:
    return [error["message"] for error in verdict["errors"] if error["check"] == "status"]


def hostile(name: str, wallet, lists: ListServer) -> tuple[dict, str]:
    """A badge whose status list is served by one hostile answer; the reason it must fail with."""
    did = wallet.create_did_key()
    url = f"{lists.base}/{name}/{uuid.uuid4().hex}"
    generic = f"status list {url} could not be fetched"
    if name == "huge-body":
        lists.answers[url.removeprefix(lists.base)] = huge_body
        return badge(wallet, did, status_entry(url)), generic
    if name == "gzip-bomb":
        lists.answers[url.removeprefix(lists.base)] = gzip_bomb
        return badge(wallet, did, status_entry(url)), generic
    if name == "huge-encoded-list":  # properly signed by the issuer: only the size is wrong
        encoded = "u" + base64.urlsafe_b64encode(zeros_gzip(700 * MB)).decode().rstrip("=")
        assert 900_000 < len(encoded) < 960_000
        lists.answers[url.removeprefix(lists.base)] = json_answer(sign(wallet, status_list(url, did, encoded)))
        return badge(wallet, did, status_entry(url)), "holds more than 16,777,216 entries"
    if name == "slow-drip":
        lists.answers[url.removeprefix(lists.base)] = slow_drip
        return badge(wallet, did, status_entry(url)), generic
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["huge-body", "gzip-bomb", "huge-encoded-list", "slow-drip"])
def test_a_hostile_status_list_answer_is_a_failed_status_check_at_little_memory(service, wallet, lists, name):
    credential, reason = hostile(name, wallet, lists)
    before = rss(service.process.pid)
    code, verdict, took = verify(service, credential)
    grown = rss(service.process.pid) - before
    assert grown < RSS_GROWTH_LIMIT, f"the controller grew by {grown / MB:.0f} MB"
    assert took < 12, f"the fetch took {took:.0f}s: the deadline is 5s a fetch"
    assert code < 500 and verdict["verified"] is False, verdict
    assert any(reason in message for message in status_errors(verdict)), verdict


def test_a_credential_with_many_status_entries_makes_no_fetch_storm(service, wallet, lists):
    did = wallet.create_did_key()
    entries = [status_entry(f"{lists.base}/storm/{uuid.uuid4().hex}", index) for index in range(40)]
    seen = len(lists.requests)
    code, verdict, _ = verify(service, badge(wallet, did, *entries))
    assert code < 500 and verdict["verified"] is False
    assert status_errors(verdict) == ["the credential has 40 status entries; this service checks at most 4"]
    assert len(lists.requests) == seen


def test_refused_and_failed_destinations_read_alike_and_are_not_contacted(service, wallet, lists):
    elsewhere = ListServer("127.0.0.2")  # loopback, but outside the network the service allows
    try:
        did = wallet.create_did_key()
        fine = f"{lists.base}/fine/{uuid.uuid4().hex}"
        lists.answers[fine.removeprefix(lists.base)] = json_answer(sign(wallet, status_list(fine, did)))
        elsewhere.answers["/list"] = lists.answers[fine.removeprefix(lists.base)]
        urls = [
            f"{elsewhere.base}/list",  # a refused network
            f"http://127.0.0.1:{service.agent_admin_port}/status/ready",  # the agent's admin port
            f"http://127.0.0.1:{service.port}/readyz",  # the service's own
            "http://127.0.0.1:9/status/revocation/1",  # a closed port
            f"{lists.base}/missing",  # an HTTP 404
            "http://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
            "http://10.1.2.3/list",  # private
        ]
        for url in urls:
            code, verdict, took = verify(service, badge(wallet, did, status_entry(url)))
            assert code < 500 and verdict["verified"] is False, (url, verdict)
            assert status_errors(verdict) == [f"status list {url} could not be fetched"], (url, verdict)
            assert took < 5, (url, took)
        assert elsewhere.connections == 0
        # The same list from the allowed address is fetched and read: the policy, not the list, refused.
        code, verdict, _ = verify(service, badge(wallet, did, status_entry(fine)))
        assert code == 200 and verdict["verified"] is True, verdict
    finally:
        elsewhere.close()


def test_unsigned_and_foreign_status_lists_are_failed_status_checks(service, wallet, lists):
    did, other = wallet.create_did_key(), wallet.create_did_key()
    base = f"{lists.base}/lists/{uuid.uuid4().hex}"
    signed_by_other = sign(wallet, status_list(f"{base}/claimed", other))
    tampered = sign(wallet, status_list(f"{base}/tampered", did))
    tampered["credentialSubject"]["encodedList"] = encode_list(bytes([0xFF]) * (131_072 // 8))
    strange_proof = {
        **status_list(f"{base}/strange", did),
        "proof": {
            "type": "NoSuchSignature2099",
            "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
            "proofPurpose": "assertionMethod",
            "proofValue": "z111",
        },
    }
    served = {
        "unsigned": (status_list(f"{base}/unsigned", did), f"is not signed by its issuer {did}"),
        "foreign": (sign(wallet, status_list(f"{base}/foreign", other)), "is not issued by the credential's issuer"),
        "claimed": ({**signed_by_other, "issuer": did}, f"is not signed by its issuer {did}"),
        "tampered": (tampered, "has no valid proof"),
        "strange": (strange_proof, "has no valid proof"),
    }
    for name, (document, reason) in served.items():
        url = f"{base}/{name}"
        lists.answers[url.removeprefix(lists.base)] = json_answer(document, {"Cache-Control": "max-age=86400"})
        code, verdict, _ = verify(service, badge(wallet, did, status_entry(url)))
        assert code < 500 and verdict["verified"] is False, (name, code, verdict)
        (error,) = status_errors(verdict)
        assert error.startswith(f"status list {url} {reason}"), (name, verdict)
    # Refused lists are not kept, whatever max-age they were sent with: asked for again, fetched again.
    foreign = f"{base}/foreign"
    before = lists.requests.count(foreign.removeprefix(lists.base))
    verify(service, badge(wallet, did, status_entry(foreign)))
    assert lists.requests.count(foreign.removeprefix(lists.base)) == before + 1


def test_a_did_web_issuer_on_a_refused_destination_is_not_resolved(service, wallet, lists):
    elsewhere = ListServer("127.0.0.2")
    try:
        host = f"127.0.0.2%3A{elsewhere.base.rsplit(':', 1)[1]}"
        did = f"did:web:{host}"
        url = f"{lists.base}/web/{uuid.uuid4().hex}"  # on an allowed address, but the agent would resolve its issuer
        credential = wallet.sign_foreign_badge(credentialStatus=status_entry(url))
        forged_proof = {**credential["proof"], "verificationMethod": f"{did}#key-1"}
        credential = {**credential, "issuer": {**credential["issuer"], "id": did}, "proof": forged_proof}
        lists.answers[url.removeprefix(lists.base)] = json_answer({**status_list(url, did), "proof": forged_proof})
        code, verdict, _ = verify(service, credential)
        assert code < 500 and verdict["verified"] is False, verdict
        generic = f"the DID document of {did} could not be fetched"
        assert {"check": "proof", "message": f"the proof could not be checked: {generic}"} in verdict["errors"], verdict
        assert {"check": "status", "message": generic} in verdict["errors"], verdict
        assert lists.requests.count(url.removeprefix(lists.base)) == 1

        # A presentation: the agent would resolve its holder's key and its credentials' issuers.
        presentation = {
            "@context": [VCDM2],
            "type": ["VerifiablePresentation"],
            "holder": did,
            "verifiableCredential": [credential],
            "proof": {
                "type": "Ed25519Signature2020",
                "created": "2026-11-20T17:00:00Z",
                "proofPurpose": "authentication",
                "verificationMethod": f"{did}#key-1",
                "challenge": "c-1",
                "proofValue": "z111",
            },
        }
        with service.client() as client:
            response = client.post(
                "/presentations/verify", json={"verifiablePresentation": presentation, "options": {"challenge": "c-1"}}
            )
        assert response.status_code < 500, response.text
        verdict = response.json()
        assert verdict["verified"] is False, verdict
        assert {
            "check": "presentation-proof",
            "message": f"the presentation's proof could not be checked: the DID document of {did} could not be fetched",
        } in verdict["errors"], verdict
        assert elsewhere.connections == 0
    finally:
        elsewhere.close()
