"""Two SIGs on one service: Alpha, the first (the admin key is its organizer's), and Beta, added
with `vc-service sig add`; each with an organizer account, an API key and objects of its own."""

import re
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

from ..support import RunningService, attendance_credential, running_service
from ..web.browser import ORGANIZER_PASSWORD


@dataclass
class SeededSig:
    slug: str
    did: str
    api_key: str
    email: str  # its organizer account (password ORGANIZER_PASSWORD)
    marker: str  # in the names of its objects: no answer to another SIG may contain it
    meeting_id: int = 0
    member_id: int = 0
    badge_id: int = 0
    key_id: int = 0
    organizer_id: int = 0  # its organizer account's id
    credential_id: str = ""  # a credential it issued through POST /credentials/issue
    anoncreds_credential_id: int = 0
    secrets: list[str] = field(default_factory=list)  # what must not reach another SIG

    def client(self, service: RunningService) -> httpx.Client:
        return httpx.Client(base_url=service.url, headers={"X-API-Key": self.api_key}, timeout=30)


def sign_in(service: RunningService, sig: SeededSig) -> tuple[httpx.Client, str]:
    """A browser-like client signed in to the dashboard as the SIG's organizer, and its CSRF token."""
    client = httpx.Client(base_url=service.url, follow_redirects=False, timeout=30)
    token = csrf_token(client.get("/login").text)
    signed_in = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": sig.email,
            "password": ORGANIZER_PASSWORD,
            "sig": sig.slug,
            "next": "/dashboard",
        },
    )
    assert signed_in.status_code == 303, signed_in.text
    return client, csrf_token(client.get("/dashboard").text)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def seed(service: RunningService, sig: SeededSig) -> SeededSig:
    """A member, a past meeting with its talk and roster, its badges, a VC-API credential, an
    AnonCreds credential record: one of each object an organizer endpoint can name."""
    marker = sig.marker
    with sig.client(service) as organizer:
        member = organizer.post("/members", json={"name": f"{marker} member", "email": f"{marker}@example.org"}).json()
        meeting = organizer.post(
            "/meetings",
            json={
                "kind": "general",
                "title": f"{marker} meeting",
                "starts_at": "2026-01-10T17:00:00Z",
                "ends_at": "2026-01-10T18:00:00Z",
            },
        ).json()
        sig.member_id, sig.meeting_id = member["id"], meeting["id"]
        talk = organizer.post(
            f"/meetings/{sig.meeting_id}/talks", json={"title": f"{marker} talk", "presenter_id": sig.member_id}
        )
        assert talk.status_code == 201, talk.text
        roster = f"name,email\n{marker} member,{marker}@example.org\n"
        assert (
            organizer.post(
                f"/meetings/{sig.meeting_id}/roster", content=roster, headers={"content-type": "text/csv"}
            ).status_code
            == 200
        )
        assert organizer.post(f"/meetings/{sig.meeting_id}/issue").status_code == 202
        sig.badge_id = organizer.get(f"/meetings/{sig.meeting_id}/badges").json()["badges"][0]["id"]
        issued = organizer.post(
            "/credentials/issue", json={"credential": attendance_credential(name=f"{marker} credential")}
        )
        assert issued.status_code == 201, issued.text
        sig.credential_id = issued.json()["verifiableCredential"]["id"]
        sig.key_id = next(
            key["id"] for key in organizer.get("/organizer-keys").json() if key["label"] == f"{marker} key"
        )
    # No ledger runs here, so no AnonCreds badge can be issued: its record is written as the service would.
    sig_id = service.query("SELECT id FROM sigs WHERE slug = :slug", slug=sig.slug)[0][0]
    service.execute(
        "INSERT INTO anoncreds_credentials (sig_id, kind, member_id, cred_ex_id, state, created_at) "
        "VALUES (:sig, 'attendance', :member, :exchange, 'issued', CURRENT_TIMESTAMP)",
        sig=sig_id,
        member=sig.member_id,
        exchange=str(uuid.uuid4()),
    )
    sig.organizer_id = service.query(
        "SELECT id FROM organizer_accounts WHERE sig_id = :sig AND email = :email", sig=sig_id, email=sig.email
    )[0][0]
    sig.anoncreds_credential_id = service.query(
        "SELECT max(id) FROM anoncreds_credentials WHERE sig_id = :sig", sig=sig_id
    )[0][0]
    sig.secrets = [marker, sig.credential_id, sig.did, sig.api_key]
    return sig


def organizer_with_key(service: RunningService, slug: str, email: str, marker: str) -> str:
    service.command("organizer", "add", email, "--sig", slug, "--password-stdin", input=ORGANIZER_PASSWORD + "\n")
    return (
        service.command("organizer", "key", email, "--sig", slug, "--label", f"{marker} key").strip().splitlines()[-1]
    )


@pytest.fixture(scope="package")
def sigs_service(backend, tmp_path_factory) -> RunningService:
    yield from running_service(backend, tmp_path_factory.mktemp(f"sigs-{backend}"))


@pytest.fixture(scope="package")
def two_sigs(sigs_service) -> tuple[SeededSig, SeededSig]:
    service = sigs_service
    first = service.client().get("/issuer").json()
    added = service.command("sig", "add", "Beta Imaging SIG", "--slug", "beta", "--url", "https://beta.example.org")
    beta_did = re.search(r"issuer DID (did:key:\S+)", added).group(1)
    alpha = SeededSig(
        slug=first["slug"],
        did=first["did"],
        api_key=organizer_with_key(service, first["slug"], "alpha@example.org", "alphamarker"),
        email="alpha@example.org",
        marker="alphamarker",
    )
    beta = SeededSig(
        slug="beta",
        did=beta_did,
        api_key=organizer_with_key(service, "beta", "beta@example.org", "betamarker"),
        email="beta@example.org",
        marker="betamarker",
    )
    return seed(service, alpha), seed(service, beta)
