"""`vc-service report` on a seeded database of either backend, through Typer's test runner."""

import asyncio

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from vc_service.cli import app
from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head
from vc_service.meetings.models import Meeting
from vc_service.members.models import Member
from vc_service.settings import get_settings

from .seed import SINCE, UNTIL, seed


async def seed_with_brackets(url: str) -> None:
    """The seeded SIG, with Rich markup in a meeting title and in member 34's region."""
    engine = create_engine(url)
    await upgrade_to_head(engine)
    async with session_factory(engine)() as session:
        await seed(session)
        await session.execute(update(Meeting).where(Meeting.title == "Subgroup").values(title="Subgroup [paper 3]"))
        await session.execute(update(Member).where(Member.email == "m34@example.org").values(region="[/]"))
        await session.commit()
    await engine.dispose()


@pytest.fixture
def seeded_database(database_url, monkeypatch):
    asyncio.run(seed_with_brackets(database_url))
    monkeypatch.setenv("VC_SERVICE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_report_command_prints_the_tables_and_writes_the_csv(seeded_database, tmp_path):
    path = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["report", "--since", str(SINCE), "--until", str(UNTIL), "--csv", str(path)])
    assert result.exit_code == 0, result.output
    shown = result.output
    assert "16.5" in shown and "guest-presentation" in shown and "24 new, 10 returning" in shown
    assert "68.8% (33 of 48 picked up; 30 by DIDComm wallet; 3 by file download)" in shown
    assert "picked up as a file" in shown and "issued to a wallet" in shown  # the badges by stage
    assert "Talks: 3 by 2 presenters" in shown and "Talk B" in shown and "Member 26" in shown
    words = shown.split()  # a long title wraps inside its cell
    assert "[paper" in words and "3]" in words and "[/]" in words  # as typed, not read as Rich markup
    assert "general,16.5" in path.read_text()


@pytest.mark.parametrize(
    ("period", "problem"),
    [
        (["--since", "2025-06-30", "--until", "2025-02-01"], "--until (2025-02-01) is before --since (2025-06-30)"),
        (["--since", "last spring"], "Invalid value for '--since'"),
    ],
)
def test_the_terminal_report_refuses_a_bad_period(period, problem):
    result = CliRunner().invoke(app, ["report", *period])
    assert result.exit_code == 2 and problem in " ".join(result.output.split()), result.output
