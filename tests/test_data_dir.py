"""The data directory (database, wallet, agent log, secrets) is readable by the service's user only."""

import os
import stat

import pytest

from vc_service.data_dir import make_private


def group_or_other_bits(path) -> int:
    return stat.S_IMODE(path.lstat().st_mode) & 0o077


@pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # the embedded default keeps its database and wallet there
def test_a_running_service_keeps_its_files_private(service):
    data_dir = service.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for name in ("vc_service.db", "agent.log", "secrets.json"):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600, name
    wallet_files = [path for path in (data_dir / "agent").rglob("*") if path.is_file()]
    assert wallet_files, "the askar wallet is under the data directory"
    readable = [str(path) for path in data_dir.rglob("*") if group_or_other_bits(path)]
    assert readable == []


def test_files_left_readable_are_closed_at_start(tmp_path):
    data_dir = tmp_path / "var"
    (data_dir / "agent").mkdir(parents=True)
    data_dir.chmod(0o755)
    (data_dir / "agent").chmod(0o755)
    old = data_dir / "agent" / "wallet.db"
    old.write_text("")
    old.chmod(0o644)
    script = data_dir / "run.sh"
    script.write_text("")
    script.chmod(0o755)
    outside = tmp_path / "shared.txt"
    outside.write_text("")
    outside.chmod(0o644)
    (data_dir / "link").symlink_to(outside)

    previous = os.umask(0o022)
    make_private(data_dir)
    assert os.umask(previous) == 0o077  # what the service and its agent create from now on is private too

    assert [stat.S_IMODE(p.stat().st_mode) for p in (data_dir, data_dir / "agent", old, script)] == [
        0o700,
        0o700,
        0o600,
        0o700,
    ]
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a symlink's target is not ours to change
