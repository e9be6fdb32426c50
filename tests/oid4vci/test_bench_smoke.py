"""The OpenID4VCI benchmark harness still runs (two members; no timing is asserted: numbers live in bench/)."""

import json
import subprocess
import sys

import pytest

from ..support import PROJECT_DIR

pytestmark = pytest.mark.agents  # starts the service and Credo wallets itself


def test_oid4vci_bench_smoke_run_writes_its_results(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.oid4vci", "--smoke", "--out", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads((tmp_path / "oid4vci.json").read_text())["result"]
    assert result["members"] == 2 and result["credentials"] == 4  # both formats of each member's badge
