"""The benchmark harness still runs (tiny counts; no timing is asserted: numbers live in bench/)."""

import json
import subprocess
import sys

from .support import PROJECT_DIR


def test_bench_smoke_run_writes_its_results(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((tmp_path / "results.json").read_text())
    assert set(report["results"]) == {
        "sign/service",
        "sign/relay",
        "sign/agent",
        "verify/service+status",
        "verify/agent+entries",
        "verify/service",
        "verify/relay",
        "verify/agent",
        "sign-eddsa-jcs/service",
        "sign-eddsa-jcs/relay",
        "sign-eddsa-jcs/agent",
        "verify-eddsa-jcs/service",
        "verify-eddsa-jcs/relay",
        "verify-eddsa-jcs/agent",
    }
    assert [(batch["members"], batch["unfinished"], batch["badges_per_minute"] > 0) for batch in report["batches"]] == [
        (3, None, True)
    ]
    batch = report["batches"][0]
    assert batch["wallet_processes"] == 1 and batch["cpu_ms_per_badge"]["issuer_agent"] > 0
    assert batch["messages_per_badge"]["offer-sent"] == 1
    assert report["pyinstrument_requests"] is None  # the profiled controller: the full run only
    assert [row["concurrency"] for row in report["results"]["sign/service"]] == [1, 4, 16]
    assert report["peak_memory_mb"]["agent"] > 0 and report["machine"]["acapy_agent"].startswith("1.7")
    assert set(report["relay_ratios"]) == set(report["ratios"])
    markdown = (tmp_path / "results.md").read_text()
    assert "| sign/agent | 16 |" in markdown and "| sign-eddsa-jcs/relay | 1 |" in markdown
