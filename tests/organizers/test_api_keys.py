"""Organizer API keys (hashed, revocable, per SIG) and the audit log, against the running service."""

import hashlib

import httpx
import pytest

from ..support import attendance_credential

EMAIL = "keyholder@example.org"


@pytest.fixture(scope="module")
def api_key(service) -> str:
    service.command("organizer", "add", EMAIL, "--password-stdin", input="a long enough password\n")
    return service.command("organizer", "key", EMAIL, "--label", "laptop").strip().splitlines()[-1]


def client(service, key: str) -> httpx.Client:
    return httpx.Client(base_url=service.url, headers={"X-API-Key": key}, timeout=30)


def audit(service) -> list[dict]:
    return service.client(organizer=True).get("/audit", params={"limit": 1000}).json()


def test_a_key_works_and_only_its_hash_is_stored(service, api_key):
    assert api_key.startswith("sigk_")
    with client(service, api_key) as organizer:
        assert organizer.get("/members").status_code == 200
        (listed,) = [k for k in organizer.get("/organizer-keys").json() if k["label"] == "laptop"]
    assert api_key not in str(listed) and listed["last_used_at"] is not None and listed["revoked_at"] is None
    stored = service.query("SELECT key_hash FROM organizer_api_keys WHERE id = :id", id=listed["id"])
    assert stored == [(hashlib.sha256(api_key.encode()).hexdigest(),)]


def test_issuance_and_revocation_are_audited_with_the_key_that_did_them(service, api_key):
    with client(service, api_key) as organizer:
        issued = organizer.post("/credentials/issue", json={"credential": attendance_credential()})
        assert issued.status_code == 201, issued.text
        credential_id = issued.json()["verifiableCredential"]["id"]
        key_id = next(k["id"] for k in organizer.get("/organizer-keys").json() if k["label"] == "laptop")
        assert (
            organizer.post(
                "/credentials/status", json={"credentialId": credential_id, "action": "revoke", "reason": "a test"}
            ).status_code
            == 200
        )
    events = {(e["action"], e["subject"]): e for e in audit(service)}
    assert events[("credential.issued", credential_id)]["actor"] == f"api-key:{key_id}"
    revoked = events[("credential.revoke", credential_id)]
    assert revoked["actor"] == f"api-key:{key_id}" and revoked["detail"] == {"reason": "a test"}
    assert events[("organizer.created", EMAIL)]["actor"] == "cli"
    assert events[("organizer.key_created", f"api-key:{key_id}")]["detail"]["label"] == "laptop"


def test_a_revoked_key_is_refused(service):
    service.command("organizer", "add", "leaver@example.org", "--password-stdin", input="a long enough password\n")
    key = service.command("organizer", "key", "leaver@example.org").strip().splitlines()[-1]
    with client(service, key) as leaver:
        key_id = next(
            k["id"] for k in leaver.get("/organizer-keys").json() if k["label"] == "api" and k["revoked_at"] is None
        )
        assert leaver.delete(f"/organizer-keys/{key_id}").status_code == 200
        refused = leaver.get("/members")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert ("organizer.key_revoked", f"api-key:{key_id}") in {(e["action"], e["subject"]) for e in audit(service)}
    assert service.client(organizer=True).delete("/organizer-keys/999999").status_code == 404


def test_unknown_keys_are_401(service):
    with client(service, "sigk_made-up") as stranger:
        assert stranger.get("/members").status_code == 401
