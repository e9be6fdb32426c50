"""The development Indy pool: it answers reads, serves tails files, stops without leftovers."""

import hashlib
import subprocess

import base58
import httpx
import pytest

from ..support import RunningLedger, wait_until_gone

pytestmark = pytest.mark.agents  # starts the service or agents itself


def tails_hash(content: bytes) -> str:
    return base58.b58encode(hashlib.sha256(content).digest()).decode()


def test_the_pool_answers_reads_and_has_four_nodes(ledger):
    status = ledger.run("status", timeout=60)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "answers reads" in status.stdout
    assert len(ledger.pids()) >= 5  # the runner (with the tails server), 4 nodes, and what they run


def test_tails_files_are_uploaded_as_acapy_does_and_downloaded(ledger):
    content = b"tails file content" * 100
    name = tails_hash(content)
    url = f"http://127.0.0.1:{ledger.port}/hash/{name}"
    uploaded = httpx.put(url, files={"tails": ("tails", content)}, data={"genesis": "..."})
    assert uploaded.status_code == 200, uploaded.text
    assert httpx.get(url).content == content
    assert httpx.put(url + "x", files={"tails": ("tails", content)}).status_code == 400  # name is not its hash
    assert httpx.get(f"http://127.0.0.1:{ledger.port}/hash/{tails_hash(b'other')}").status_code == 404


def test_down_stops_everything_up_restarts_the_same_pool_and_an_ended_owner_stops_it(tmp_path):
    """On a pool of its own: the session's pool stays as the AnonCreds tests found it (a
    restarted pool answers reads before it accepts writes again)."""
    owner = subprocess.Popen(["sleep", "600"])  # stands for a test run killed before its teardown
    pool = RunningLedger(directory=tmp_path / "ledger")
    try:
        pool.up(owner_pid=owner.pid)
        genesis = (pool.directory / "pool/ledger/sandbox/pool_transactions_genesis").read_text()
        pids = pool.pids()
        pool.down()
        assert all(wait_until_gone(pid, 5) for pid in pids)
        assert pool.run("status", timeout=60).returncode == 1

        pool.up(owner_pid=owner.pid)
        assert (pool.directory / "pool/ledger/sandbox/pool_transactions_genesis").read_text() == genesis
        assert pool.run("status", timeout=60).returncode == 0
        pids = pool.pids()
        owner.kill()
        owner.wait()
        assert all(wait_until_gone(pid, 15) for pid in pids)
    finally:
        owner.kill()
        pool.down()
