"""`vc-service issue`: starts a meeting's batch, follows it to the end with a progress bar, and prints the
claim links of the members who have no wallet yet."""

from typer.testing import CliRunner

from vc_service.cli import app

from .issuance.didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    members_by_email,
    stored_credentials,
    wait_for,
)


def test_issue_follows_the_batch_until_it_settles(service, wallet):
    meeting = create_meeting(service, title="CLI meeting")
    import_roster(service, meeting["id"], "name,email\nCli One,cli1@example.org\nCli Two,cli2@example.org\n")
    connect_wallet(service, wallet, claim_token(service, members_by_email(service)["cli1@example.org"]))
    # The wallet's side is active; the service learns it from a webhook a moment later, and a batch
    # started before would rightly count this member as one without a wallet.
    wait_for(
        lambda: members_by_email(service)["cli1@example.org"]["connection_state"] == "active",
        "the service to see the connection",
    )
    before = len(stored_credentials(wallet))

    result = CliRunner().invoke(
        app, ["issue", "--meeting", str(meeting["id"]), "--url", service.url, "--api-key", service.api_key]
    )
    assert result.exit_code == 0, result.output
    assert "2 new badges" in result.output
    assert "issued" in result.output and "1 members have no wallet connected yet" in result.output
    (waiting,) = [
        link
        for link in service.client(organizer=True).get(f"/meetings/{meeting['id']}/claim-links").json()
        if not link["wallet_connected"]
    ]
    assert f"Cli Two\tcli2@example.org\t{waiting['claim_url']}" in result.output
    assert "cli1@example.org" not in result.output  # connected: nothing to send
    wait_for(lambda: len(stored_credentials(wallet)) == before + 1, "the wallet to hold the new badge", 20)


def test_issue_reports_an_unknown_meeting(service):
    result = CliRunner().invoke(
        app, ["issue", "--meeting", "999999", "--url", service.url, "--api-key", service.api_key]
    )
    assert result.exit_code == 1 and "no meeting 999999" in result.output


def test_issue_reports_an_unreachable_service():
    result = CliRunner().invoke(app, ["issue", "--meeting", "1", "--url", "http://127.0.0.1:9", "--api-key", "k"])
    assert result.exit_code == 2 and "Cannot reach the service" in result.output
