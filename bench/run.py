"""Benchmark: signing and verifying through the service versus the agent's own VC-API.

Starts its own service (embedded default, SQLite) with its agent, then for 1, 4 and 16
concurrent clients measures latency (p50, p95) and throughput of
- signing: POST /credentials/issue (service) vs POST /vc/credentials/issue (agent);
- verifying: POST /credentials/verify (service, with and without a status-list check) vs
  POST /vc/credentials/verify (agent);
and the peak memory of the controller and the agent. Writes bench/results/results.json and
results.md. ``--smoke`` runs tiny counts, to keep the harness working in CI.

    make bench            # or: .venv/bin/python -m bench.run [--requests N] [--smoke]
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import httpx

from tests.support import RunningService, attendance_credential, create_database, drop_database

RESULTS_DIR = Path(__file__).parent / "results"
CONCURRENCY = (1, 4, 16)
TARGET_OVERHEAD = 0.10  # the service adds at most 10% to the agent's own latency


async def measure(send, requests: int, concurrency: int) -> dict:
    """Run ``send`` ``requests`` times with ``concurrency`` in flight; latency and throughput."""
    latencies: list[float] = []
    limit = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with limit:
            started = time.perf_counter()
            await send()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": requests,
        "concurrency": concurrency,
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 2),
        "per_second": round(requests / elapsed, 1),
    }


def checked(response: httpx.Response) -> dict:
    response.raise_for_status()
    body = response.json()
    if "verified" in body and not body["verified"]:
        raise RuntimeError(f"did not verify: {body}")
    return body


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def run(service: RunningService, requests: int) -> dict:
    secrets = service.secrets()
    service_http = httpx.AsyncClient(base_url=service.url, headers={"X-API-Key": service.api_key}, timeout=60)
    agent_http = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{service.agent_admin_port}", headers={"X-API-Key": secrets["agent_admin_key"]}, timeout=60
    )
    issuer = (await service_http.get("/issuer")).json()
    credential = attendance_credential(id="urn:uuid:00000000-0000-4000-8000-00000000b001", issuer=issuer["profile"],
                                       validFrom="2026-11-20T17:00:00Z")  # fmt: skip
    with_status = checked(await service_http.post("/credentials/issue", json={"credential": attendance_credential()}))[
        "verifiableCredential"
    ]
    without_status = checked(await agent_http.post("/vc/credentials/issue", json={"credential": credential}))["verifiableCredential"]

    scenarios = {
        "sign/service": lambda: service_http.post("/credentials/issue", json={"credential": attendance_credential()}),
        "sign/agent": lambda: agent_http.post("/vc/credentials/issue", json={"credential": credential}),
        "verify/service+status": lambda: service_http.post("/credentials/verify", json={"verifiableCredential": with_status}),
        "verify/service": lambda: service_http.post("/credentials/verify", json={"verifiableCredential": without_status}),
        "verify/agent": lambda: agent_http.post("/vc/credentials/verify", json={"verifiableCredential": without_status}),
    }
    results: dict[str, list[dict]] = {}
    for name, call in scenarios.items():
        async def send(call=call) -> None:
            checked(await call())

        await measure(send, min(requests, 10), 1)  # warm-up: caches, connections
        results[name] = [await measure(send, requests, concurrency) for concurrency in CONCURRENCY]
    await service_http.aclose()
    await agent_http.aclose()
    return results


def ratios(results: dict) -> dict:
    """Service latency over the agent's own, per operation and concurrency (p50)."""
    pairs = {"sign": ("sign/service", "sign/agent"), "verify": ("verify/service", "verify/agent")}
    return {
        operation: [
            round(service["p50_ms"] / agent["p50_ms"], 2) for service, agent in zip(results[s], results[a], strict=True)
        ]
        for operation, (s, a) in pairs.items()
    }


def machine() -> dict:
    memory_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "acapy_agent": version("acapy-agent"),
        "vc_service": version("vc-service"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    }


def markdown(report: dict) -> str:
    lines = [
        "# Benchmark: service vs agent", "",
        f"Machine: {report['machine']}", "",
        "| scenario | clients | p50 ms | p95 ms | per second |", "|---|---|---|---|---|",
    ]  # fmt: skip
    for name, rows in report["results"].items():
        lines += [f"| {name} | {r['concurrency']} | {r['p50_ms']} | {r['p95_ms']} | {r['per_second']} |" for r in rows]
    lines += ["", "Service p50 / agent p50 (target at most 1.10), at 1, 4, 16 clients:", ""]
    lines += [f"- {operation}: {values}" for operation, values in report["ratios"].items()]
    lines += ["", f"Peak memory: controller {report['peak_memory_mb']['controller']} MB, "
              f"agent {report['peak_memory_mb']['agent']} MB."]  # fmt: skip
    misses = [f"{op} at {c} clients: {v:.2f}x" for op, values in report["ratios"].items()
              for c, v in zip(CONCURRENCY, values, strict=True) if v > 1 + TARGET_OVERHEAD]  # fmt: skip
    lines += ["", "Missed targets: " + ("; ".join(misses) if misses else "none")]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario and concurrency")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: check the harness works")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="directory for results.json and results.md")
    args = parser.parse_args()
    requests = 8 if args.smoke else args.requests
    with tempfile.TemporaryDirectory() as scratch:
        service = RunningService(data_dir=Path(scratch), database_url=create_database("sqlite", Path(scratch)))
        service.start()
        try:
            results = asyncio.run(run(service, requests))
            memory = {"controller": peak_memory_mb(service.process.pid), "agent": peak_memory_mb(service.agent_pid())}
        finally:
            service.stop()
            drop_database(service.database_url)
    report = {"machine": machine(), "smoke": args.smoke, "results": results, "ratios": ratios(results), "peak_memory_mb": memory}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
