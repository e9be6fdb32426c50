"""An organizer of one SIG can neither read nor issue nor revoke for another: every organizer
endpoint, enumerated from the application's routes (an endpoint added later is called too),
with one SIG's API key or dashboard session on the other SIG's objects, in both directions.

Alpha's organizer here is the service's admin key: it is an organizer of the first SIG only.
"""

import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from vc_service.deps import require_organizer
from vc_service.main import create_app
from vc_service.settings import Settings
from vc_service.web.auth import signed_in_organizer

from ..support import SHARED_CONTEXTS, attendance_credential
from .conftest import SeededSig, sign_in

pytestmark = pytest.mark.agents  # starts the service or agents itself

# Every route nobody needs to be an organizer for. A new route is either here, on purpose, or an
# organizer route, and then the isolation test below calls it.
PUBLIC_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/sigs"),
    ("GET", "/sigs/{sig}"),
    ("GET", "/issuer"),
    ("GET", "/contexts/{name}"),
    ("GET", "/sigs/{sig}/achievements/{kind}"),
    ("GET", "/achievements/{kind}"),
    ("GET", "/schemas/subjects/{kind}.schema.json"),
    ("GET", "/i/{token}"),
    ("GET", "/c/{token}/qr.svg"),
    ("GET", "/c/{token}"),
    ("GET", "/c/{token}/badges/{badge_id}.json"),
    ("PUT", "/c/{token}/did"),
    ("POST", "/c/{token}/region"),
    ("GET", "/d/{door_token}/qr.svg"),
    ("GET", "/d/{door_token}"),
    ("POST", "/d/{door_token}"),
    ("GET", "/status/{sig}/{purpose}/{number}"),
    ("GET", "/status/{purpose}/{number}"),
    ("POST", "/proof-requests"),
    ("GET", "/proof-requests/{request_id}"),
    ("GET", "/p/{request_id}"),
    ("GET", "/p/{request_id}/qr.svg"),
    ("POST", "/credentials/verify"),
    ("POST", "/presentations/verify"),
    ("POST", "/webhooks/topic/{topic}/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/verify"),
    ("POST", "/verify"),
    ("GET", "/"),  # the home page: what this is, sign in, verify a badge
    ("GET", "/favicon.ico"),
    ("GET", "/.well-known/did.json"),
    ("GET", "/did.json"),
    ("GET", "/sigs/{sig}/did.json"),
    ("POST", "/oauth/token"),  # authenticates the organizer key it is given; its token is that key's SIG's
    # OpenID4VCI: metadata is public; the offer and the endpoints take a member's code or token (oid4vci/).
    ("GET", "/.well-known/openid-credential-issuer"),
    ("GET", "/.well-known/openid-credential-issuer/sigs/{sig}"),
    ("GET", "/sigs/{sig}/.well-known/openid-credential-issuer"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("GET", "/.well-known/oauth-authorization-server/sigs/{sig}"),
    ("GET", "/sigs/{sig}/.well-known/oauth-authorization-server"),
    ("GET", "/o/{code}"),
    ("GET", "/o/{code}/qr.svg"),
    ("POST", "/oid4vci/token"),
    ("POST", "/sigs/{sig}/oid4vci/token"),
    ("POST", "/oid4vci/nonce"),
    ("POST", "/sigs/{sig}/oid4vci/nonce"),
    ("POST", "/oid4vci/credential"),
    ("POST", "/sigs/{sig}/oid4vci/credential"),
    # The Learner Credential Wallet's VC-API exchange: opened by a claim link, answered with its
    # single-use challenge (vcapi_exchange/).
    ("POST", "/c/{token}/exchanges"),
    ("POST", "/workflows/{workflow_id}/exchanges/{exchange_id}"),
}

# How each path parameter names the other SIG's object.
PATH_VALUES: dict[str, Callable[[SeededSig], object]] = {
    "meeting_id": lambda owner: owner.meeting_id,
    "member_id": lambda owner: owner.member_id,
    "badge_id": lambda owner: owner.badge_id,
    "key_id": lambda owner: owner.key_id,
    "organizer_id": lambda owner: owner.organizer_id,
    "credential_id": lambda owner: owner.anoncreds_credential_id,
    # Without a ledger no AnonCreds proof request exists: any id is another SIG's as much as unknown.
    "pres_ex_id": lambda owner: uuid.uuid4(),
}
QUERY_VALUES: dict[str, Callable[[SeededSig], str]] = {
    "credentialId": lambda owner: owner.credential_id,
    "since": lambda owner: "2000-01-01",
}
# Routes without a path parameter whose request names the other SIG's object all the same.
NAMES_OWNER_IN_BODY = {
    ("POST", "/credentials/status"),
    ("GET", "/credentials/status"),
    ("POST", "/anoncreds/credentials"),
    ("POST", "/anoncreds/proof-requests"),
}
CSV = "name,email\nIntruder,intruder@example.org\n"
# What every organizer route that changes something is sent (httpx keyword arguments): enough to
# reach the SIG check, never stopped earlier by a malformed request.
REQUESTS: dict[tuple[str, str], Callable[[SeededSig], dict]] = {
    ("POST", "/meetings"): lambda owner: {
        "json": {
            "kind": "general",
            "title": "New meeting",
            "starts_at": "2026-02-01T17:00:00Z",
            "ends_at": "2026-02-01T18:00:00Z",
        }
    },
    ("POST", "/meetings/{meeting_id}/talks"): lambda owner: {
        "json": {"title": "Intrusion", "presenter_id": owner.member_id}
    },
    ("POST", "/members"): lambda owner: {
        "json": {"name": "New member", "email": f"new-{uuid.uuid4().hex[:8]}@example.org"}
    },
    ("POST", "/meetings/{meeting_id}/roster"): lambda owner: {"content": CSV, "headers": {"content-type": "text/csv"}},
    ("POST", "/meetings/{meeting_id}/door"): lambda owner: {"json": {}},
    ("POST", "/credentials/status"): lambda owner: {
        "json": {"credentialId": owner.credential_id, "action": "revoke", "reason": "intrusion"}
    },
    ("POST", "/credentials/issue"): lambda owner: {"json": {"credential": attendance_credential()}},
    ("POST", "/meetings/{meeting_id}/issue"): lambda owner: {},
    ("POST", "/members/{member_id}/membership"): lambda owner: {"json": {"valid_until": "2030-01-01T00:00:00Z"}},
    ("POST", "/members/{member_id}/claim-link"): lambda owner: {},
    ("POST", "/meetings/{meeting_id}/members/{member_id}/mail"): lambda owner: {},
    ("PUT", "/members/{member_id}/did"): lambda owner: {"json": {"did": None}},
    ("DELETE", "/members/{member_id}/wallet"): lambda owner: {},
    ("DELETE", "/organizer-keys/{key_id}"): lambda owner: {},
    ("POST", "/anoncreds/credentials"): lambda owner: {
        "json": {"kind": "attendance", "member_id": owner.member_id, "meeting_id": owner.meeting_id}
    },
    ("POST", "/anoncreds/credentials/{credential_id}/revoke"): lambda owner: {},
    ("POST", "/anoncreds/proof-requests"): lambda owner: {"json": {"kind": "attendance", "member_id": owner.member_id}},
    ("POST", "/anoncreds/badges/{badge_id}/revoke"): lambda owner: {"json": {"reason": "intrusion"}},
    ("PUT", "/sig/badge-formats"): lambda owner: {"json": {"formats": ["ld_proof"]}},  # the caller's own SIG
    # The caller's own SIG too; a time zone it refuses (422) leaves its profile for the other tests.
    ("PUT", "/sig/profile"): lambda owner: {"json": {"name": "Renamed", "time_zone": "Nowhere/Not_A_Zone"}},
    ("POST", "/dashboard/profile"): lambda owner: {"data": {"name": "Renamed", "time_zone": "Nowhere/Not_A_Zone"}},
    ("POST", "/dashboard/badge-formats"): lambda owner: {"data": {"formats": "ld_proof"}},
    ("POST", "/dashboard/meetings"): lambda owner: {
        "data": {
            "kind": "general",
            "title": "New meeting",
            "starts_at": "2026-02-01T17:00",
            "ends_at": "2026-02-01T18:00",
        }
    },
    ("POST", "/dashboard/meetings/{meeting_id}/talks"): lambda owner: {
        "data": {"title": "Intrusion", "presenter_id": owner.member_id}
    },
    ("POST", "/dashboard/meetings/{meeting_id}/roster"): lambda owner: {
        "files": {"file": ("roster.csv", CSV.encode(), "text/csv")}
    },
    ("POST", "/dashboard/meetings/{meeting_id}/roster/import"): lambda owner: {"data": {"roster": CSV}},
    ("POST", "/dashboard/meetings/{meeting_id}/issue"): lambda owner: {},
    ("POST", "/dashboard/badges/{badge_id}/status"): lambda owner: {
        "data": {"action": "revoke", "reason": "intrusion"}
    },
    ("POST", "/dashboard/meetings/{meeting_id}/door"): lambda owner: {},
    ("POST", "/dashboard/meetings/{meeting_id}/members/{member_id}/claim-link"): lambda owner: {},
    ("POST", "/dashboard/meetings/{meeting_id}/members/{member_id}/mail"): lambda owner: {},
    ("POST", "/dashboard/organizers/{organizer_id}/disable"): lambda owner: {},
    ("POST", "/dashboard/organizers/{organizer_id}/enable"): lambda owner: {},
    ("POST", "/dashboard/account/password"): lambda owner: {
        "data": {"current_password": "not it", "new_password": "no change made"}
    },  # the caller's own
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    by: str  # "key" (X-API-Key) or "session" (dashboard cookie)
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]  # the required ones

    def names_owner(self) -> bool:
        return bool(self.path_params) or (self.method, self.path) in NAMES_OWNER_IN_BODY


def _calls(dependant):
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _params(dependant, kind: str):
    yield from getattr(dependant, kind)
    for dependency in dependant.dependencies:
        yield from _params(dependency, kind)


def application_routes() -> tuple[list[Route], set[tuple[str, str]]]:
    """The organizer routes of the application as it is built, and every other route."""
    app = create_app(Settings(contexts_dir=SHARED_CONTEXTS))
    organizer, public = [], set()
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None:  # FastAPI's own /docs and /openapi.json
            continue
        calls = set(_calls(dependant))
        for method in route.methods:
            if require_organizer in calls or signed_in_organizer in calls:
                organizer.append(
                    Route(
                        method,
                        route.path,
                        "key" if require_organizer in calls else "session",
                        tuple(sorted({p.name for p in _params(dependant, "path_params")})),
                        tuple(
                            sorted({q.name for q in _params(dependant, "query_params") if q.field_info.is_required()})
                        ),
                    )
                )
            else:
                public.add((method, route.path))
    return organizer, public


ORGANIZER_ROUTES, OTHER_ROUTES = application_routes()


def test_every_route_is_public_on_purpose_or_an_organizer_route():
    assert OTHER_ROUTES == PUBLIC_ROUTES, (
        "a new route: add it to PUBLIC_ROUTES if anyone may call it, else make it an organizer route"
    )
    assert len(ORGANIZER_ROUTES) >= 40


def request_for(route: Route, owner: SeededSig) -> tuple[str, dict]:
    """The URL and request of ``route`` naming ``owner``'s objects; fails for a route this test cannot call yet."""
    missing = [name for name in (*route.path_params, *route.query_params) if name not in PATH_VALUES | QUERY_VALUES]
    assert not missing, f"{route.method} {route.path}: no object of the other SIG for {missing}: add one to this test"
    if route.method not in ("GET", "HEAD"):
        assert (route.method, route.path) in REQUESTS, (
            f"{route.method} {route.path}: add the request it is sent to REQUESTS"
        )
    url = route.path.format(**{name: PATH_VALUES[name](owner) for name in route.path_params})
    kwargs = REQUESTS.get((route.method, route.path), lambda _owner: {})(owner)
    kwargs.setdefault("params", {}).update({name: QUERY_VALUES[name](owner) for name in route.query_params})
    return url, kwargs


@pytest.mark.parametrize("direction", ["beta on alpha", "alpha (admin key) on beta"])
def test_no_organizer_endpoint_reads_or_changes_another_sigs_objects(sigs_service, two_sigs, direction):
    alpha, beta = two_sigs
    caller, owner = (beta, alpha) if direction.startswith("beta") else (alpha, beta)
    api_key = caller.api_key if caller is beta else sigs_service.api_key  # the admin key is alpha's organizer
    session, csrf = sign_in(sigs_service, caller)
    problems = []
    with (
        closing(session),
        httpx.Client(base_url=sigs_service.url, headers={"X-API-Key": api_key}, timeout=30) as by_key,
    ):
        for route in ORGANIZER_ROUTES:
            url, kwargs = request_for(route, owner)
            if route.by == "session" and route.method == "POST":  # the caller's own, valid CSRF token
                kwargs["data"] = {**kwargs.get("data", {}), "csrf_token": csrf}
            client = by_key if route.by == "key" else session
            answer = client.request(route.method, url, **kwargs)
            sent = f"{url} {kwargs}".lower()  # a refusal may repeat what was asked, which is no leak
            leaked = [
                secret
                for secret in owner.secrets
                if secret.lower() in answer.text.lower() and secret.lower() not in sent
            ]
            if leaked:
                problems.append(f"{route.method} {url}: {answer.status_code} shows {leaked}")
            if route.names_owner() and answer.status_code not in (403, 404):
                problems.append(f"{route.method} {url}: {answer.status_code}, not 403/404: {answer.text[:200]}")
            elif answer.status_code >= 500:
                problems.append(f"{route.method} {url}: {answer.status_code}")
    assert problems == []
    with owner.client(sigs_service) as own:  # and nothing of the owner's changed
        status = own.get("/credentials/status", params={"credentialId": owner.credential_id}).json()
        talks = own.get(f"/meetings/{owner.meeting_id}/talks").json()
        keys = own.get("/organizer-keys").json()
    assert (status["revoked"], status["suspended"], status["changes"]) == (False, False, [])
    assert [talk["title"] for talk in talks] == [f"{owner.marker} talk"]
    assert all(key["revoked_at"] is None for key in keys)


def test_each_sig_reads_its_own_objects_on_the_same_endpoints(sigs_service, two_sigs):
    """The other half of the proof: the refusals above are the SIG check, not a broken request."""
    for sig in two_sigs:
        session, _csrf = sign_in(sigs_service, sig)
        with closing(session), sig.client(sigs_service) as by_key:
            for route in ORGANIZER_ROUTES:
                if route.method != "GET" or route.path.startswith("/anoncreds"):  # no ledger: AnonCreds is 404 here
                    continue
                url, kwargs = request_for(route, sig)
                answer = (by_key if route.by == "key" else session).get(url, **kwargs)
                assert answer.status_code in (200, 303), (sig.slug, url, answer.status_code, answer.text[:200])
                if answer.status_code == 303:  # the door screen of a closed door sends back to its meeting
                    assert answer.headers["location"].startswith(f"/dashboard/meetings/{sig.meeting_id}"), url
        with sig.client(sigs_service) as by_key:
            assert sig.marker in by_key.get("/meetings").text and sig.marker in by_key.get("/members").text
