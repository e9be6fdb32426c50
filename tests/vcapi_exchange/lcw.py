"""The Learner Credential Wallet stand-in (tests/wallets/lcw/) as the tests drive it, and members
whose badges wait for it."""

import html
import json
import re
import subprocess
from pathlib import Path

from ..issuance.didcomm import claim_token, create_meeting, import_roster, members_by_email
from ..support import PROJECT_DIR, SHARED_CONTEXTS

LCW_WALLET = PROJECT_DIR / "tests" / "wallets" / "lcw" / "lcw-wallet.mjs"
DEEP_LINK = re.compile(r'href="(dccrequest://request\?[^"]+)"')


def lcw(service, wallet_dir: Path, *args: str, given: dict | None = None) -> dict:
    """One command of the LCW stand-in, offline: the pinned contexts and the SIG's own from files."""
    answer = subprocess.run(
        [
            "node",
            str(LCW_WALLET),
            "--contexts",
            str(SHARED_CONTEXTS),
            "--contexts",
            f"{PROJECT_DIR / 'schemas' / 'contexts'}={service.url}/",
            str(wallet_dir),
            *args,
        ],
        input=None if given is None else json.dumps(given),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def page_deep_link(service, token: str) -> str:
    page = service.client().get(f"/c/{token}")
    assert page.status_code == 200, page.text
    assert "Add to Learner Credential Wallet" in page.text
    (link,) = DEEP_LINK.findall(page.text)
    return html.unescape(link)


def new_exchange(service, token: str) -> str:
    opened = service.client().post(f"/c/{token}/exchanges")
    assert opened.status_code == 201, opened.text
    return opened.json()["exchangeUrl"]


def waiting_members(service, title: str, emails: list[str]) -> tuple[dict, dict[str, dict]]:
    """Members of a meeting whose badges were issued while none has a DIDComm wallet: they wait."""
    meeting = create_meeting(service, title=title)
    import_roster(service, meeting["id"], "name,email\n" + "".join(f"LCW {e},{e}\n" for e in emails))
    issue = service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    assert issue.status_code in (200, 202), issue.text
    by_email = members_by_email(service)
    return meeting, {email: {**by_email[email], "token": claim_token(service, by_email[email])} for email in emails}
