"""`vc-service issue`: starts a meeting's batch, follows it to the end with a progress bar, and prints the
claim links of the members who have no wallet yet."""

import functools
import subprocess
import sys

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
from .support import PROJECT_DIR, VENV_BIN


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


def test_help_loads_neither_the_web_framework_nor_the_database_layer():
    """Every command imports what it needs when it runs: `--help` answers without them."""
    probe = (
        "import sys\n"
        "from vc_service.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "Commands" in done.stdout or "organizer" in done.stdout
    assert not loaded & {"fastapi", "sqlalchemy", "httpx", "uvicorn", "acapy_agent", "pydantic_settings"}, loaded


def test_commands_find_the_running_service_without_its_settings(service):
    """A shell that has not the service's port: `organizer add` prints the service's own sign-in
    URL, and `issue` reaches it without --url (both read what `vc-service up` recorded)."""
    other_shell = {
        name: value for name, value in service.env.items() if name not in ("VC_SERVICE_PORT", "VC_SERVICE_PUBLIC_URL")
    }
    run = functools.partial(
        subprocess.run, env=other_shell, capture_output=True, text=True, cwd=PROJECT_DIR, timeout=120
    )
    added = run(
        [str(VENV_BIN / "vc-service"), "organizer", "add", "elsewhere@example.org", "--password-stdin"],
        input="a long organizer password\n",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    assert f"can sign in at {service.url}/login" in added.stdout
    assert "127.0.0.1:8000" not in added.stdout

    meeting = create_meeting(service, title="CLI meeting without --url")
    import_roster(service, meeting["id"], "name,email\nNo Url,nourl@example.org\n")
    issued = run([str(VENV_BIN / "vc-service"), "issue", "--meeting", str(meeting["id"]), "--timeout", "20"])
    assert issued.returncode == 0, issued.stdout + issued.stderr
    assert "1 new badges" in issued.stdout


def test_make_run_says_where_to_go_and_how_to_start(service):
    started = (service.data_dir / "service.log").read_text()
    assert f"dashboard  {service.url}/dashboard" in started
    assert f"verify     {service.url}/verify" in started
    assert "vc-service organizer add" in started  # no organizer yet at the first start
    assert f"{service.url}/dashboard/profile" in started
