"""Revocation and suspension through the running service, seen by its verifier and by another agent."""

import socket

import pytest

from vc_service.status.bitstring import decode_list, get_bit

from ..support import attendance_credential


def issue(service) -> dict:
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": attendance_credential()})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def verify(service, credential: dict) -> dict:
    response = service.client().post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == (200 if response.json()["verified"] else 400), response.text
    return response.json()


def set_status(service, credential: dict, action: str, reason: str = "issued by mistake"):
    return service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": credential["id"], "action": action, "reason": reason}
    )


def test_every_issued_credential_carries_both_status_entries(service):
    entries = issue(service)["credentialStatus"]
    assert [entry["statusPurpose"] for entry in entries] == ["revocation", "suspension"]
    assert all(entry["type"] == "BitstringStatusListEntry" for entry in entries)
    assert entries[0]["statusListIndex"] == entries[1]["statusListIndex"]


def test_revoked_credential_fails_the_status_check(service):
    credential = issue(service)
    assert verify(service, credential)["verified"] is True and "status" in verify(service, credential)["checks"]
    revoked = set_status(service, credential, "revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    result = verify(service, credential)
    assert result["verified"] is False
    assert [error["check"] for error in result["errors"]] == ["status"]
    assert result["errors"][0]["message"].startswith("revoked")
    again = set_status(service, credential, "unsuspend")
    assert again.status_code == 409 and "final" in again.json()["detail"]


def test_suspension_can_be_lifted(service):
    credential = issue(service)
    assert set_status(service, credential, "suspend", "under review").status_code == 200
    result = verify(service, credential)
    assert result["verified"] is False and result["errors"][0]["message"].startswith("suspended")
    assert set_status(service, credential, "unsuspend", "review done").status_code == 200
    assert verify(service, credential)["verified"] is True
    history = service.client(organizer=True).get("/credentials/status", params={"credentialId": credential["id"]})
    assert [(c["action"], c["reason"]) for c in history.json()["changes"]] == [
        ("suspend", "under review"),
        ("unsuspend", "review done"),
    ]


def test_the_status_list_is_signed_public_cached_and_verifiable_elsewhere(service, wallet):
    credential = issue(service)
    set_status(service, credential, "revoke")
    entry = credential["credentialStatus"][0]
    response = service.client().get(entry["statusListCredential"].removeprefix(service.url))
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"] and response.headers["etag"]
    status_list = response.json()
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = decode_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072 and get_bit(bits, int(entry["statusListIndex"]))
    with wallet.admin() as admin:  # an independent agent checks the list's signature
        assert admin.post("/vc/credentials/verify", json={"verifiableCredential": status_list}).json()["verified"]
    unchanged = service.client().get(
        entry["statusListCredential"].removeprefix(service.url), headers={"if-none-match": response.headers["etag"]}
    )
    assert unchanged.status_code == 304


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"credentialId": "urn:uuid:never-issued", "action": "revoke", "reason": "x"}, 404),
        ({"credentialId": "urn:uuid:x", "action": "delete", "reason": "x"}, 422),
        ({"credentialId": "urn:uuid:x", "action": "revoke", "reason": ""}, 422),
    ],
)
def test_bad_status_changes(service, body, status):
    assert service.client(organizer=True).post("/credentials/status", json=body).status_code == status


def test_status_changes_need_the_organizer_key(service):
    assert service.client().post("/credentials/status", json={}).status_code == 401


def test_unknown_status_lists_are_404(service):
    assert service.client().get("/status/revocation/999").status_code == 404
    assert service.client().get("/status/expiry/1").status_code == 404


def test_the_service_refuses_a_caller_supplied_status(service):
    credential = attendance_credential(credentialStatus={"type": "BitstringStatusListEntry"})
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422 and "credentialStatus" in response.json()["detail"]


def foreign_credential_with_status(wallet, status_list_url: str) -> dict:
    return wallet.sign_foreign_badge(
        credentialStatus={
            "id": f"{status_list_url}#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": status_list_url,
        }
    )


def test_an_unreachable_status_list_is_a_named_error(service, wallet):
    credential = foreign_credential_with_status(wallet, "http://127.0.0.1:9/status/revocation/1")
    result = verify(service, credential)
    assert result["verified"] is False
    assert result["errors"][0]["check"] == "status" and "could not be fetched" in result["errors"][0]["message"]


def test_a_status_list_that_never_answers_times_out(service, wallet):
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/status/revocation/1"
        result = verify(service, foreign_credential_with_status(wallet, url))
    assert result["verified"] is False
    assert result["errors"][0]["message"] == f"status list {url} could not be fetched"  # as any failure reads
