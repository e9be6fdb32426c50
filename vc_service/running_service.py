"""Where the service of a data directory listens: ``vc-service up`` records its URL there while it
runs, so the other commands reach it (and print its links) whatever settings their own shell has.
Standard library only: the CLI reads it before importing anything heavy."""

import json
import os
from pathlib import Path

RECORD_FILE = "service.json"


def record_service(data_dir: Path, url: str) -> None:
    """This process serves ``url`` for ``data_dir`` (written after the server is listening)."""
    (data_dir / RECORD_FILE).write_text(json.dumps({"pid": os.getpid(), "url": url}))


def forget_service(data_dir: Path) -> None:
    """Left behind by this process only: a second service on the same directory keeps its record."""
    record = _read(data_dir)
    if record is not None and record.get("pid") == os.getpid():
        (data_dir / RECORD_FILE).unlink(missing_ok=True)


def running_service_url(data_dir: Path) -> str | None:
    """The URL of the service that runs on ``data_dir`` now; None when none does (a record left by
    a killed service names a process that is gone). Reads Linux's ``/proc``, as agent/admin_port.py does."""
    record = _read(data_dir)
    if record is None or not isinstance(record.get("pid"), int) or not isinstance(record.get("url"), str):
        return None
    try:
        command = Path(f"/proc/{record['pid']}/cmdline").read_bytes()
    except OSError:
        return None
    # A process id reused by some other program since: that is no service.
    return record["url"] if b"vc-service" in command or b"vc_service" in command else None


def _read(data_dir: Path) -> dict | None:
    try:
        record = json.loads((data_dir / RECORD_FILE).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
