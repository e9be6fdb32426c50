"""OAuth2 client credentials (RFC 6749 §4.4) beside X-API-Key: VC-API's way of authorising a client."""

import time
from unittest import mock

import httpx
import pytest

from vc_service.organizers.models import OrganizerApiKey
from vc_service.organizers.tokens import AccessTokens

from ..support import attendance_credential

EMAIL = "oauth-client@example.org"


@pytest.fixture(scope="module")
def organizer_key(service) -> tuple[str, str]:
    """(client_id, client_secret): an organizer key's id, as the CLI prints it, and the key."""
    service.command("organizer", "add", EMAIL, "--password-stdin", input="a long enough password\n")
    printed = service.command("organizer", "key", EMAIL, "--label", "oauth").strip().splitlines()
    key_id = printed[-2].split()[2]  # "API key <id> for <email> (shown once, keep it safe):"
    return key_id, printed[-1]


def token(service, **kwargs) -> httpx.Response:
    return service.client().post("/oauth/token", **kwargs)


def bearer(service, access_token: str) -> httpx.Client:
    return httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {access_token}"}, timeout=30)


@pytest.mark.parametrize("how", ["basic", "form"])
def test_a_client_gets_a_short_lived_bearer_token_that_issues(service, organizer_key, how):
    client_id, secret = organizer_key
    if how == "basic":
        answer = token(service, data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    else:
        answer = token(
            service, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600 and secret not in body["access_token"]
    assert answer.headers["cache-control"] == "no-store"
    with bearer(service, body["access_token"]) as organizer:
        issued = organizer.post("/credentials/issue", json={"credential": attendance_credential()})
        assert issued.status_code == 201, issued.text
        assert organizer.get("/members").status_code == 200
    events = service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
    credential_id = issued.json()["verifiableCredential"]["id"]
    assert next(e for e in events if e["subject"] == credential_id)["actor"] == f"api-key:{client_id}"


@pytest.mark.parametrize(
    ("request_kwargs", "status", "error"),
    [
        ({"data": {"client_id": "1", "client_secret": "x"}}, 400, "invalid_request"),
        ({"data": {"grant_type": "password", "username": "a", "password": "b"}}, 400, "unsupported_grant_type"),
        ({"data": {"grant_type": "client_credentials"}}, 401, "invalid_client"),
        (
            {"data": {"grant_type": "client_credentials", "client_id": "1", "client_secret": "sigk_made-up"}},
            401,
            "invalid_client",
        ),
        ({"data": {"grant_type": "client_credentials"}, "auth": ("1", "sigk_made-up")}, 401, "invalid_client"),
        (
            {"data": {"grant_type": "client_credentials"}, "headers": {"Authorization": "Basic not-base64!"}},
            401,
            "invalid_client",
        ),
    ],
    ids=["no-grant-type", "password-grant", "no-client", "wrong-secret", "wrong-basic", "malformed-basic"],
)
def test_refusals_are_rfc_6749_errors(service, request_kwargs, status, error):
    answer = token(service, **request_kwargs)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == error and answer.json()["error_description"]


def test_the_secret_of_another_key_is_not_this_client(service, organizer_key):
    _, secret = organizer_key
    answer = token(service, data={"grant_type": "client_credentials", "client_id": "999999", "client_secret": secret})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_both_ways_of_authenticating_at_once_are_refused(service, organizer_key):
    client_id, secret = organizer_key
    answer = token(service, data={"grant_type": "client_credentials", "client_id": client_id}, auth=(client_id, secret))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_a_token_dies_with_its_key(service):
    service.command(
        "organizer", "add", "oauth-leaver@example.org", "--password-stdin", input="a long enough password\n"
    )
    printed = service.command("organizer", "key", "oauth-leaver@example.org").strip().splitlines()
    client_id, secret = printed[-2].split()[2], printed[-1]
    access_token = token(service, data={"grant_type": "client_credentials"}, auth=(client_id, secret)).json()[
        "access_token"
    ]
    with bearer(service, access_token) as organizer:
        assert organizer.get("/members").status_code == 200
        assert organizer.delete(f"/organizer-keys/{client_id}").status_code == 200
        refused = organizer.get("/members")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("forged", ["not-a-token", "eyJrZXkiOjF9.forged.signature"])
def test_forged_tokens_are_401(service, forged):
    with bearer(service, forged) as stranger:
        assert stranger.post("/credentials/issue", json={"credential": attendance_credential()}).status_code == 401


def test_an_expired_or_foreign_token_names_no_key():
    tokens = AccessTokens("the service's session key", lifetime_seconds=60)
    issued = tokens.issue(OrganizerApiKey(id=7))
    assert tokens.key_id(issued) == 7
    assert AccessTokens("another service's key", 60).key_id(issued) is None
    later = time.time() + 61
    with mock.patch("itsdangerous.timed.time.time", return_value=later):
        assert tokens.key_id(issued) is None
