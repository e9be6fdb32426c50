"""Benchmark: signing and verifying through the service versus the agent's own VC-API.

Starts its own service (embedded default, SQLite) with its agent, then for 1, 4 and 16
concurrent clients measures latency (p50, p95) and throughput of
- signing: POST /credentials/issue (service) vs POST /vc/credentials/issue (agent);
- verifying: POST /credentials/verify (service, with and without a status-list check) vs
  POST /vc/credentials/verify (agent);
- the same for the eddsa-jcs-2022 Data Integrity proof (agent: /vc/di/add-proof, /vc/di/verify);
- batch issuance of one meeting's badges into wallets over DIDComm, 50 and 200 members;
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
import sys
import tempfile
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import httpx

from tests.issuance.didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    members_by_email,
    roster_csv,
    stored_credentials,
)
from tests.support import (
    RunningAgent,
    RunningService,
    attendance_credential,
    create_database,
    drop_database,
    member_wallet,
    wait_for,
)

RESULTS_DIR = Path(__file__).parent / "results"
CONCURRENCY = (1, 4, 16)
TARGET_OVERHEAD = 0.10  # the service adds at most 10% to the agent's own latency
TARGET_BADGES_PER_MINUTE = 1200  # openwallet-foundation/acapy issue 947, tuned
TARGET_VERIFICATIONS_PER_SECOND = 50  # a known issuer's credential, status list checked
BATCH_SIZES = (50, 200)
EDDSA_JCS = {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}


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
    # The service answers a failed verification 400 with its verdict (VC-API), the agent 200.
    body = response.json() if response.status_code in (200, 201, 400) else None
    if isinstance(body, dict) and body.get("verified") is False:
        raise RuntimeError(f"did not verify: {body}")
    response.raise_for_status()
    return body


def where_time_goes(pid: int, seconds: float, scratch: Path) -> dict[str, list[dict]]:
    """Sample the controller with py-spy for ``seconds`` while it works: the service's own
    functions by their share of the samples (inclusive), and the functions the samples were in
    (self time), wherever they are."""
    folded = scratch / f"profile-{pid}.txt"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "--output",
            str(folded),
            "--nonblocking",
            "--rate",
            "200",
        ],
        check=True,
        capture_output=True,
    )
    total, inclusive, own = 0, Counter(), Counter()
    for line in folded.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [
            frame.split(" (")[0] + " (" + frame.split(" (")[1].split(":")[0] + ")"
            for frame in stack.split(";")
            if " (" in frame
        ]
        if not frames:
            continue
        total += int(samples)
        own[frames[-1]] += int(samples)
        for frame in set(frames):  # once per stack: the share of samples the function was in
            inclusive[frame] += int(samples)

    def shares(counter: Counter, keep) -> list[dict]:
        return (
            [{"function": f, "share": round(n / total, 3)} for f, n in counter.most_common() if keep(f)][:12]
            if total
            else []
        )

    return {
        "service_functions": shares(inclusive, lambda f: "vc_service/" in f and "cli.py" not in f),
        "self_time": shares(own, lambda f: True),
    }


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def run(service: RunningService, requests: int) -> dict:
    secrets = service.secrets()
    service_http = httpx.AsyncClient(base_url=service.url, headers={"X-API-Key": service.api_key}, timeout=60)
    agent_http = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{service.agent_admin_port}",
        headers={"X-API-Key": secrets["agent_admin_key"]},
        timeout=60,
    )
    issuer = (await service_http.get("/issuer")).json()
    credential = attendance_credential(
        id="urn:uuid:00000000-0000-4000-8000-00000000b001", issuer=issuer["profile"], validFrom="2026-11-20T17:00:00Z"
    )
    with_status = checked(await service_http.post("/credentials/issue", json={"credential": attendance_credential()}))[
        "verifiableCredential"
    ]
    without_status = checked(await agent_http.post("/vc/credentials/issue", json={"credential": credential}))[
        "verifiableCredential"
    ]
    did = issuer["did"]
    di_options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
    }
    di_signed = checked(
        await agent_http.post("/vc/di/add-proof", json={"document": credential, "options": di_options})
    )["securedDocument"]

    scenarios = {
        "sign/service": lambda: service_http.post("/credentials/issue", json={"credential": attendance_credential()}),
        "sign/agent": lambda: agent_http.post("/vc/credentials/issue", json={"credential": credential}),
        "verify/service+status": lambda: service_http.post(
            "/credentials/verify", json={"verifiableCredential": with_status}
        ),
        "verify/service": lambda: service_http.post(
            "/credentials/verify", json={"verifiableCredential": without_status}
        ),
        "verify/agent": lambda: agent_http.post(
            "/vc/credentials/verify", json={"verifiableCredential": without_status}
        ),
        "sign-eddsa-jcs/service": lambda: service_http.post(
            "/credentials/issue", json={"credential": attendance_credential(), "options": EDDSA_JCS}
        ),
        "sign-eddsa-jcs/agent": lambda: agent_http.post(
            "/vc/di/add-proof", json={"document": credential, "options": di_options}
        ),
        "verify-eddsa-jcs/service": lambda: service_http.post(
            "/credentials/verify", json={"verifiableCredential": di_signed}
        ),
        "verify-eddsa-jcs/agent": lambda: agent_http.post("/vc/di/verify", json={"securedDocument": di_signed}),
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


async def profile_signing(service: RunningService, scratch: Path, seconds: float) -> dict[str, list[dict]]:
    """Where the controller's time goes while it signs for one client after another."""
    async with httpx.AsyncClient(base_url=service.url, headers={"X-API-Key": service.api_key}, timeout=60) as client:
        profiler = asyncio.create_task(asyncio.to_thread(where_time_goes, service.process.pid, seconds, scratch))
        while not profiler.done():
            checked(await client.post("/credentials/issue", json={"credential": attendance_credential()}))
        return await profiler


def stored_count(wallet: RunningAgent) -> int:
    """How many credentials the wallets hold; a busy wallet agent that fails to answer counts as not yet.
    Asked once a second at most: listing every stored credential is work for the wallet too."""
    time.sleep(1)
    try:
        return len(stored_credentials(wallet))
    except (httpx.HTTPError, ValueError):
        return -1


def batch_issuance(service: RunningService, members: int, scratch: Path) -> dict:
    """One meeting's badges into members' wallets over DIDComm, until each wallet stored its badge.

    The members' wallets are one second ACA-Py agent (one connection per member), its askar
    wallet on PostgreSQL: an askar SQLite wallet times out under dozens of concurrent exchanges.
    """
    with member_wallet(scratch / f"wallet-{members}", service) as wallet:
        meeting = create_meeting(service, title=f"Benchmark meeting ({members} members)")
        import_roster(service, meeting["id"], roster_csv(members, prefix=f"bench{members}-"))
        started = time.perf_counter()
        for member in members_by_email(service).values():
            if member["email"].startswith(f"bench{members}-"):
                connect_wallet(service, wallet, claim_token(service, member))
        connected = time.perf_counter()
        service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").raise_for_status()
        try:
            wait_for(
                lambda: stored_count(wallet) >= members, f"{members} badges stored in the wallets", 60 + members * 3
            )
            unfinished = None
        except AssertionError as timeout:  # a figure that is not there is reported, with where the batch stopped
            counts = service.client(organizer=True).get(f"/meetings/{meeting['id']}/badges").json()["counts"]
            unfinished = f"{timeout}: {stored_count(wallet)} stored; badge states {counts}"
        elapsed = time.perf_counter() - connected
    return {
        "members": members,
        "connect_seconds": round(connected - started, 1),
        "issue_seconds": round(elapsed, 1),
        "badges_per_minute": None if unfinished else round(members / elapsed * 60),
        "unfinished": unfinished,
    }


def ratios(results: dict) -> dict:
    """Service latency over the agent's own, per operation and concurrency (p50)."""
    pairs = {
        operation: (f"{operation}/service", f"{operation}/agent")
        for operation in ("sign", "verify", "sign-eddsa-jcs", "verify-eddsa-jcs")
    }
    return {
        operation: [
            round(service["p50_ms"] / agent["p50_ms"], 2) for service, agent in zip(results[s], results[a], strict=True)
        ]
        for operation, (s, a) in pairs.items()
    }


def machine() -> dict:
    memory_kb = int(
        next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1]
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "acapy_agent": version("acapy-agent"),
        "vc_service": version("vc-service"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
    }


def markdown(report: dict) -> str:
    lines = [
        "# Benchmark: service vs agent",
        "",
        f"Machine: {report['machine']}",
        "",
        "| scenario | clients | p50 ms | p95 ms | per second |",
        "|---|---|---|---|---|",
    ]
    for name, rows in report["results"].items():
        lines += [f"| {name} | {r['concurrency']} | {r['p50_ms']} | {r['p95_ms']} | {r['per_second']} |" for r in rows]
    lines += ["", "Service p50 / agent p50 (target at most 1.10), at 1, 4, 16 clients:", ""]
    lines += [f"- {operation}: {values}" for operation, values in report["ratios"].items()]
    lines += [
        "",
        f"Batch issuance into wallets over DIDComm (target at least {TARGET_BADGES_PER_MINUTE} badges per minute):",
        "",
        "| members | connecting s | issuing s | badges per minute |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {b['members']} | {b['connect_seconds']} | {b['issue_seconds']} | {b['badges_per_minute'] or 'unfinished'} |"
        for b in report["batches"]
    ]
    lines += [f"- batch of {b['members']} unfinished: {b['unfinished']}" for b in report["batches"] if b["unfinished"]]
    lines += [
        "",
        "Where the controller's time goes while signing for one client (py-spy samples):",
        "",
        "The service's functions (inclusive):",
    ]
    lines += [f"- {entry['share']:.0%} {entry['function']}" for entry in report["signing_profile"]["service_functions"]]
    lines += ["", "Where the samples were (self time):"]
    lines += [f"- {entry['share']:.0%} {entry['function']}" for entry in report["signing_profile"]["self_time"]]
    lines += [
        "",
        f"Peak memory: controller {report['peak_memory_mb']['controller']} MB, "
        f"agent {report['peak_memory_mb']['agent']} MB.",
    ]
    misses = [
        f"{op} at {c} clients: {v:.2f}x"
        for op, values in report["ratios"].items()
        for c, v in zip(CONCURRENCY, values, strict=True)
        if v > 1 + TARGET_OVERHEAD
    ]
    misses += [
        f"batch of {b['members']}: {b['badges_per_minute'] or 'unfinished'} badges per minute"
        for b in report["batches"]
        if (b["badges_per_minute"] or 0) < TARGET_BADGES_PER_MINUTE
    ]
    best_verify = max(row["per_second"] for row in report["results"]["verify/service+status"])
    if best_verify < TARGET_VERIFICATIONS_PER_SECOND:
        misses.append(f"verification with a status-list check: {best_verify} per second at best")
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
        service = RunningService(
            data_dir=Path(scratch),
            database_url=create_database("sqlite", Path(scratch)),
            # One client asks for thousands of verifications and claims all the wallet invitations.
            extra_env={"VC_SERVICE_VERIFY_RATE_LIMIT": "1000000", "VC_SERVICE_CLAIM_RATE_LIMIT": "1000000"},
        )
        service.start()
        try:
            results = asyncio.run(run(service, requests))
            batches = [
                batch_issuance(service, members, Path(scratch)) for members in ((3,) if args.smoke else BATCH_SIZES)
            ]
            profile = asyncio.run(profile_signing(service, Path(scratch), seconds=2 if args.smoke else 15))
            memory = {"controller": peak_memory_mb(service.process.pid), "agent": peak_memory_mb(service.agent_pid())}
        finally:
            service.stop()
            drop_database(service.database_url)
    report = {
        "machine": machine(),
        "smoke": args.smoke,
        "results": results,
        "ratios": ratios(results),
        "batches": batches,
        "peak_memory_mb": memory,
        "signing_profile": profile,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
