"""A SIG whose public URL is https issues under did:web; its DID document, served by the
controller from the agent's key, lets an independent ACA-Py agent verify its credentials.

TLS is terminated in front of the controller (tests/support.py TlsFront), as a load balancer
does in production; every agent trusts the test CA through SSL_CERT_FILE, and resolves the
DID over HTTPS as the did:web method says.
"""

import ssl

import httpx
import pytest

from ..support import RunningAgent, RunningService, TlsFront, attendance_credential

pytestmark = pytest.mark.agents  # starts the service or agents itself


@pytest.fixture
def did_web_service(tmp_path, database_url):
    service = RunningService(data_dir=tmp_path / "service", database_url=database_url)
    front = TlsFront(tmp_path, service.port)
    service.extra_env = {"VC_SERVICE_PUBLIC_URL": front.url, "SSL_CERT_FILE": str(front.ca_file)}
    verifier = RunningAgent(
        home=tmp_path / "verifier", sig_base_url=front.url, extra_env={"SSL_CERT_FILE": str(front.ca_file)}
    )
    service.start()
    verifier.start()
    yield service, front, verifier
    verifier.stop()
    service.stop()
    front.close()


def test_did_web_issuer_verified_by_an_independent_agent(did_web_service):
    service, front, verifier = did_web_service
    did = service.client().get("/issuer").json()["did"]
    assert did == f"did:web:localhost%3A{front.port}"

    # The document, at the did:web method's address, holds the key the agent signs with.
    document = httpx.get(f"{front.url}/.well-known/did.json", verify=ssl.create_default_context(cafile=front.ca_file))
    assert document.status_code == 200 and document.headers["content-type"] == "application/did+ld+json"
    assert document.json()["assertionMethod"] == [f"{did}#key-1"]
    with service.agent_admin() as admin:
        (wallet_did,) = admin.get("/wallet/did", params={"did": did}).json()["results"]
    assert document.json()["verificationMethod"][0]["publicKeyBase58"] == wallet_did["verkey"]

    organizer = service.client(organizer=True)
    signed = organizer.post("/credentials/issue", json={"credential": attendance_credential()})
    assert signed.status_code == 201, signed.text
    credential = signed.json()["verifiableCredential"]
    assert credential["issuer"]["id"] == did and credential["proof"]["verificationMethod"] == f"{did}#key-1"
    eddsa = organizer.post(
        "/credentials/issue",
        json={
            "credential": attendance_credential(),
            "options": {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
        },
    )
    assert eddsa.status_code == 201, eddsa.text

    front.requests.clear()
    with verifier.admin() as admin:
        result = admin.post("/vc/credentials/verify", json={"verifiableCredential": credential}).json()
        assert result["verified"] is True, result
        result = admin.post("/vc/di/verify", json={"securedDocument": eddsa.json()["verifiableCredential"]}).json()
        assert result["verificationResults"]["verified"] is True, result
        tampered = {**credential, "name": "Presenter: something else"}
        assert admin.post("/vc/credentials/verify", json={"verifiableCredential": tampered}).json()["verified"] is False
    assert "GET /.well-known/did.json HTTP/1.1" in front.requests  # resolved over HTTPS, not from a cache of ours

    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()
    assert verdict["verified"] is True and not verdict["warnings"], verdict
    assert {"proof", "issuer", "status"} <= set(verdict["checks"])


def test_no_did_document_for_a_did_key_issuer(service):
    missing = service.client().get("/.well-known/did.json")
    assert missing.status_code == 404 and "no SIG issues under a did:web DID here" in missing.json()["detail"]
