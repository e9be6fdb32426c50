"""The organizer is given every attendee's claim link: the API, its CSV, and `vc-service links`."""

import csv
import io

from typer.testing import CliRunner

from vc_service.cli import app

from ..issuance.didcomm import claim_token, create_meeting, import_roster, members_by_email

ROSTER = 'name,email\nLinda Links,linda@example.org\n"=HYPERLINK(""http://x"")",formula@example.org\n'


def test_each_attendee_has_their_claim_link_in_the_api_the_csv_and_the_cli(service):
    meeting = create_meeting(service, title="Links meeting")
    import_roster(service, meeting["id"], ROSTER)
    organizer = service.client(organizer=True)
    links = organizer.get(f"/meetings/{meeting['id']}/claim-links")
    assert links.status_code == 200, links.text
    by_email = {link["email"]: link for link in links.json()}
    assert set(by_email) == {"linda@example.org", "formula@example.org"}
    for link in by_email.values():  # each link opens its own member's page
        page = service.client().get(link["claim_url"])
        assert page.status_code == 200 and f"Your badges, {link['name']}" in page.text.replace("&#34;", '"')
        assert link["invitation_short_url"] == link["claim_url"].replace("/c/", "/i/")

    exported = organizer.get(f"/meetings/{meeting['id']}/claim-links.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["name", "email", "link"]
    assert ["Linda Links", "linda@example.org", by_email["linda@example.org"]["claim_url"]] in rows
    assert ['\'=HYPERLINK("http://x")', "formula@example.org", by_email["formula@example.org"]["claim_url"]] in rows

    printed = CliRunner().invoke(
        app, ["links", "--meeting", str(meeting["id"]), "--url", service.url, "--api-key", service.api_key]
    )
    assert printed.exit_code == 0, printed.output
    assert f"Linda Links\tlinda@example.org\t{by_email['linda@example.org']['claim_url']}" in printed.output
    unknown = CliRunner().invoke(app, ["links", "--meeting", "999999", "--url", service.url, "--api-key", "x"])
    assert unknown.exit_code == 1 and "401" in unknown.output


def test_a_link_known_only_by_its_hash_is_said_so_until_a_new_one_is_made(service):
    """Links made before they were derived (migration 0013) have no nonce: nothing invents one."""
    meeting = create_meeting(service, title="Old links meeting")
    import_roster(service, meeting["id"], "name,email\nOld Link,old-link@example.org\n")
    member = members_by_email(service)["old-link@example.org"]
    service.execute("UPDATE members SET claim_nonce = NULL WHERE id = :id", id=member["id"])
    organizer = service.client(organizer=True)
    (link,) = organizer.get(f"/meetings/{meeting['id']}/claim-links").json()
    assert link["claim_url"] is None and link["qr_url"] is None
    assert list(csv.reader(io.StringIO(organizer.get(f"/meetings/{meeting['id']}/claim-links.csv").text)))[1] == [
        "Old Link",
        "old-link@example.org",
        "",
    ]
    printed = CliRunner().invoke(
        app, ["links", "--meeting", str(meeting["id"]), "--url", service.url, "--api-key", service.api_key]
    )
    assert f"no link on record: make a new one on the meeting page, or POST /members/{member['id']}" in printed.output

    token = claim_token(service, member)  # the organizer's "new link"
    (link,) = organizer.get(f"/meetings/{meeting['id']}/claim-links").json()
    assert link["claim_url"] == f"{service.url}/c/{token}"
