"""Several SIGs on one service, end to end against the real ACA-Py agent: each issues and signs
under its own DID (VC-API, badge files, DIDComm batches), verifiers know them all, status lists
and achievements are per SIG, and the command line and the sign-in ask which SIG when it matters."""

import re
from contextlib import closing

import httpx
import pytest
from playwright.sync_api import expect

from ..issuance.didcomm import claim_token, connect_wallet, stored_credentials
from ..support import RunningAgent, attendance_credential, wait_for
from ..web.browser import ORGANIZER_PASSWORD, screenshot
from .conftest import SeededSig, csrf_token, sign_in

pytestmark = pytest.mark.agents  # starts the service or agents itself


def issue(service, sig: SeededSig) -> dict:
    with sig.client(service) as organizer:
        issued = organizer.post("/credentials/issue", json={"credential": attendance_credential()})
    assert issued.status_code == 201, issued.text
    return issued.json()["verifiableCredential"]


def verify(service, credential: dict) -> dict:
    return service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()


def test_each_sig_issues_under_its_own_did_and_cannot_revoke_the_others(sigs_service, two_sigs):
    alpha, beta = two_sigs
    assert alpha.did != beta.did and alpha.did.startswith("did:key:z6Mk") and beta.did.startswith("did:key:z6Mk")
    credentials = {sig.slug: issue(sigs_service, sig) for sig in two_sigs}
    for sig in two_sigs:
        credential = credentials[sig.slug]
        assert credential["issuer"]["id"] == sig.did and credential["proof"]["verificationMethod"].startswith(sig.did)
        status_url = credential["credentialStatus"][0]["statusListCredential"]
        assert re.fullmatch(rf"{sigs_service.url}/status/{sig.slug}/revocation/\d+", status_url)
        status_list = httpx.get(status_url).json()
        assert status_list["issuer"] == sig.did and status_list["id"] == status_url
        verdict = verify(sigs_service, credential)
        assert verdict["verified"] and verdict["warnings"] == [], verdict  # both DIDs are known issuers

    revoke = {"credentialId": credentials[alpha.slug]["id"], "action": "revoke", "reason": "not yours"}
    with beta.client(sigs_service) as intruder:
        refused = intruder.post("/credentials/status", json=revoke)
    assert refused.status_code == 404 and "no credential" in refused.json()["detail"]
    assert verify(sigs_service, credentials[alpha.slug])["verified"]

    with alpha.client(sigs_service) as owner:
        assert owner.post("/credentials/status", json={**revoke, "reason": "issued by mistake"}).status_code == 200
    revoked = verify(sigs_service, credentials[alpha.slug])
    assert not revoked["verified"] and [error["check"] for error in revoked["errors"]] == ["status"]
    assert verify(sigs_service, credentials[beta.slug])["verified"]  # another SIG's list, untouched


def test_a_badge_file_is_signed_by_its_sigs_did_with_its_achievement(sigs_service, two_sigs):
    _alpha, beta = two_sigs
    with beta.client(sigs_service) as organizer:
        badge = organizer.post(
            f"/members/{beta.member_id}/membership", json={"valid_until": "2030-01-01T00:00:00Z"}
        ).json()
        claim_url = f"{sigs_service.url}/c/{claim_token(sigs_service, {'id': beta.member_id}, organizer)}"
    credential = httpx.get(f"{claim_url}/badges/{badge['badge_id']}.json", timeout=30).json()
    assert credential["issuer"]["id"] == beta.did and credential["issuer"]["name"] == "Beta Imaging SIG"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == f"{sigs_service.url}/sigs/beta/achievements/membership"
    assert httpx.get(achievement["id"]).json() == achievement
    assert verify(sigs_service, credential)["verified"]
    claim_page = httpx.get(claim_url).text
    assert "Beta Imaging SIG" in claim_page


def test_a_meeting_batch_reaches_a_wallet_signed_by_the_meetings_sig(sigs_service, two_sigs, tmp_path_factory):
    _alpha, beta = two_sigs
    wallet = RunningAgent(home=tmp_path_factory.mktemp("beta-wallet"), sig_base_url=sigs_service.url)
    wallet.start()
    try:
        with beta.client(sigs_service) as organizer:
            meeting = organizer.post(
                "/meetings",
                json={
                    "kind": "subgroup",
                    "title": "Beta imaging subgroup",
                    "starts_at": "2026-03-02T17:00:00Z",
                    "ends_at": "2026-03-02T18:00:00Z",
                },
            ).json()
            roster = "name,email\nWanda Wallet,wanda@example.org\n"
            organizer.post(f"/meetings/{meeting['id']}/roster", content=roster, headers={"content-type": "text/csv"})
            wanda = next(
                member for member in organizer.get("/members").json() if member["email"] == "wanda@example.org"
            )
            connect_wallet(sigs_service, wallet, claim_token(sigs_service, wanda, organizer))
            assert organizer.post(f"/meetings/{meeting['id']}/issue").status_code == 202
            wait_for(
                lambda: organizer.get(f"/meetings/{meeting['id']}/badges").json()["counts"]["issued"] == 1,
                "the badge issued",
            )
        (stored,) = [
            c
            for c in stored_credentials(wallet)
            if c["credentialSubject"]["achievement"]["achievementType"] == "ext:Attendance"
        ]
        # A DIDComm badge carries no status entry: its status is in beta's records, checked on verifying.
        assert stored["issuer"]["id"] == beta.did and "credentialStatus" not in stored
        assert verify(sigs_service, stored)["verified"]
        with beta.client(sigs_service) as organizer:
            body = {"credentialId": stored["id"], "action": "revoke", "reason": "checking"}
            assert organizer.post("/credentials/status", json=body).status_code == 200
        assert verify(sigs_service, stored)["errors"] == [
            {"check": "status", "message": "revoked (the issuer's records)"}
        ]
    finally:
        wallet.stop()


def test_public_urls_name_each_sig(sigs_service, two_sigs):
    alpha, beta = two_sigs
    public = sigs_service.client()
    assert [(sig["slug"], sig["did"]) for sig in public.get("/sigs").json()] == [
        (alpha.slug, alpha.did),
        ("beta", beta.did),
    ]
    assert public.get("/sigs/beta").json()["profile"]["name"] == "Beta Imaging SIG"
    assert public.get("/issuer").json()["did"] == alpha.did  # the first SIG's, as before there were several
    achievement = public.get("/sigs/beta/achievements/attendance").json()
    assert achievement["id"] == f"{sigs_service.url}/sigs/beta/achievements/attendance" and "Beta Imaging SIG" in str(
        achievement
    )
    for unknown in ("/sigs/nope", "/sigs/nope/achievements/attendance", "/status/nope/revocation/1"):
        answer = public.get(unknown)
        assert answer.status_code == 404 and "no SIG 'nope'" in answer.json()["detail"], unknown


def test_the_command_line_asks_which_sig_when_there_are_several(sigs_service, two_sigs):
    alpha, beta = two_sigs
    listed = sigs_service.command("sig", "list")
    assert all(part in listed for part in (alpha.slug, alpha.did, "beta", beta.did))
    for args in (("organizer", "add", "x@example.org", "--password-stdin"), ("report", "--since", "2026-01-01")):
        refused = sigs_service.run_command(*args, input="a long enough password\n")
        assert refused.returncode == 1 and f"name one with --sig ({alpha.slug}, beta)" in refused.stdout, refused.stdout
    unknown = sigs_service.run_command("report", "--since", "2026-01-01", "--sig", "nope")
    assert unknown.returncode == 1 and f"no SIG 'nope': choose one of {alpha.slug}, beta" in unknown.stdout
    report = sigs_service.command("report", "--since", "2026-01-01", "--sig", "beta")
    assert "betamarker meeting" in report and "alphamarker" not in report
    taken = sigs_service.run_command("sig", "add", "Another", "--slug", "beta")
    assert taken.returncode == 1 and "the slug 'beta' is taken" in taken.stdout
    with beta.client(sigs_service) as organizer:
        (created,) = [event for event in organizer.get("/audit").json() if event["action"] == "sig.created"]
    assert (created["actor"], created["subject"], created["detail"]) == ("cli", "beta", {"name": "Beta Imaging SIG"})


def test_proof_requests_name_the_sig_whose_badge_is_asked_for(sigs_service, two_sigs):
    alpha, _beta = two_sigs
    public = sigs_service.client()
    unnamed = public.post("/proof-requests", json={"template": "attended"})
    assert unnamed.status_code == 422 and f"name one in the field sig ({alpha.slug}, beta)" in unnamed.json()["detail"]
    assert public.post("/proof-requests", json={"template": "attended", "sig": "beta"}).status_code == 201


def test_organizers_sign_in_to_their_own_sig(sigs_service, two_sigs):
    alpha, beta = two_sigs
    with httpx.Client(base_url=sigs_service.url, follow_redirects=False) as browser:
        form = browser.get("/login").text
        assert '<option value="beta">Beta Imaging SIG</option>' in form
        credentials = {"csrf_token": csrf_token(form), "email": alpha.email, "password": ORGANIZER_PASSWORD}
        assert (
            browser.post("/login", data={**credentials, "sig": "beta"}).status_code == 401
        )  # alpha's organizer, not beta's
        unnamed = browser.post("/login", data=credentials)
        assert unnamed.status_code == 422 and "Choose your SIG" in unnamed.text
    session, _csrf = sign_in(sigs_service, beta)
    with closing(session):
        dashboard = session.get("/dashboard").text
    assert "Beta Imaging SIG" in dashboard and "betamarker meeting" in dashboard and "alphamarker" not in dashboard


def test_urls_from_before_sigs_had_their_own_still_answer(sigs_service, two_sigs):
    """What migration 0008 keeps of a single-SIG service: its lists at /status/<purpose>/<n>, the
    achievements at /achievements/<kind>, its profile at /issuer."""
    alpha, _beta = two_sigs
    (sig_id,) = sigs_service.query("SELECT id FROM sigs WHERE slug = :slug", slug=alpha.slug)[0]
    for purpose in ("revocation", "suspension"):
        sigs_service.execute(
            "INSERT INTO status_lists (sig_id, purpose, number, bits, unscoped_url, updated_at) "
            "VALUES (:sig, :purpose, 99, :bits, :yes, CURRENT_TIMESTAMP)",
            sig=sig_id,
            purpose=purpose,
            bits=bytes(16384),
            yes=True,
        )
    public = sigs_service.client()
    old = public.get("/status/revocation/99")
    assert old.status_code == 200 and (old.json()["id"], old.json()["issuer"]) == (
        f"{sigs_service.url}/status/revocation/99",
        alpha.did,
    )
    assert public.get(f"/status/{alpha.slug}/revocation/99").status_code == 404  # one list, one URL
    achievement = public.get("/achievements/attendance").json()
    assert achievement["id"] == f"{sigs_service.url}/achievements/attendance"
    assert achievement["name"] == public.get(f"/sigs/{alpha.slug}/achievements/attendance").json()["name"]


def test_in_the_browser_the_sign_in_asks_for_the_sig_and_the_dashboard_shows_only_it(
    sigs_service, two_sigs, browser, backend
):
    _alpha, beta = two_sigs
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{sigs_service.url}/dashboard")
    page.get_by_label("SIG").select_option(label="Beta Imaging SIG")
    page.get_by_label("Email").fill(beta.email)
    page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    screenshot(page, f"{backend}-sign-in-several-sigs")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{sigs_service.url}/dashboard")
    expect(page.locator("header")).to_contain_text("Beta Imaging SIG")
    expect(page.get_by_role("main")).to_contain_text("betamarker meeting")
    expect(page.get_by_role("main")).not_to_contain_text("alphamarker")
    screenshot(page, f"{backend}-dashboard-second-sig")
    page.close()
