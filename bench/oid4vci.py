"""Benchmark: badges a minute picked up over OpenID4VCI by 50 members, each with their own Credo 0.6
wallet process (tests/wallets/credo/), against the service behind TLS (Credo takes only https).

The wallets run in waves of ``--parallel`` processes (a Credo process takes about 160 MiB); in a
wave every wallet takes its member's offer (both formats of a membership badge) at the same time.
The figure counts the pickups only, not the wallets' start. Writes bench/results/oid4vci.{json,md}.

    .venv/bin/python -m bench.oid4vci [--members 50] [--parallel 5] [--smoke]
"""

import argparse
import json
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from bench.run import RESULTS_DIR, machine
from tests.oid4vci.https import service_behind_tls, trusting_credo_wallet
from tests.wallets.credo import CredoWallet, CredoWalletError


def offers(service, count: int) -> list[str]:
    """``count`` new members with a membership badge each, and their offers (valid VC_SERVICE_OID4VCI_CODE_TTL_SECONDS)."""
    organizer = service.client(organizer=True)
    urls = []
    for index in range(count):
        member = organizer.post("/members", json={"name": f"Bench {index}", "email": f"{uuid.uuid4().hex}@b.example"})
        member_id = member.raise_for_status().json()["id"]
        organizer.post(
            f"/members/{member_id}/membership", json={"valid_until": "2031-01-01T00:00:00Z"}
        ).raise_for_status()
        urls.append(
            organizer.post(f"/members/{member_id}/claim-link").raise_for_status().json()["credential_offer_url"]
        )
    return urls


def pickups(members: int, parallel: int, scratch: Path) -> dict:
    limits = {"VC_SERVICE_CLAIM_RATE_LIMIT": "1000000"}  # every wallet calls from 127.0.0.1
    picking, credentials, failures = 0.0, 0, []
    with service_behind_tls(scratch / "service", "sqlite", limits) as (service, front):
        for wave in range(0, members, parallel):
            batch = offers(service, min(parallel, members - wave))  # made now: an offer expires
            with ExitStack() as stack:
                wallets = [
                    stack.enter_context(trusting_credo_wallet(front, scratch / f"wallet-{wave + index}"))
                    for index in range(len(batch))
                ]

                def pick(pair: tuple[CredoWallet, str]) -> dict | str:
                    try:
                        return pair[0].accept_offer(pair[1])
                    except CredoWalletError as refused:  # reported with the figure, not hidden by it
                        return f"{refused}"[:300]

                started = time.perf_counter()
                with ThreadPoolExecutor(len(batch)) as pool:
                    answers = list(pool.map(pick, zip(wallets, batch, strict=True)))
                picking += time.perf_counter() - started
            credentials += sum(len(answer["credentials"]) for answer in answers if isinstance(answer, dict))
            failures += [answer for answer in answers if isinstance(answer, str)]
        service_log = service.log_tail(20) if failures else None
    picked = members - len(failures)
    return {
        "members": members,
        "parallel_wallets": parallel,
        "picked_up": picked,
        "credentials": credentials,  # each member's badge in both formats
        "pickup_seconds": round(picking, 1),
        "badges_per_minute": round(picked / picking * 60),
        "credentials_per_minute": round(credentials / picking * 60),
        "failures": failures,
        "service_log": service_log,
    }


def markdown(report: dict) -> str:
    result = report["result"]
    return (
        "# OpenID4VCI pickups\n\n"
        f"Machine: {report['machine']}\n\n"
        f"{result['members']} members, each their own Credo 0.6 wallet process ({result['parallel_wallets']} at a time): "
        f"{result['badges_per_minute']} badges a minute ({result['credentials_per_minute']} credentials a minute, "
        f"ldp_vc and jwt_vc_json of each badge), {result['pickup_seconds']} s of pickups; "
        f"{result['picked_up']} of {result['members']} picked up.\n"
        + "".join(f"\n- failed: {failure}" for failure in result["failures"])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--parallel", type=int, default=5, help="wallet processes at a time")
    parser.add_argument("--smoke", action="store_true", help="two members: check the harness works")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args()
    members, parallel = (2, 2) if args.smoke else (args.members, args.parallel)
    with tempfile.TemporaryDirectory() as scratch:
        result = pickups(members, parallel, Path(scratch))
    # Shared machine: the load says how disturbed the figure is.
    report = {"machine": {**machine(), "load_average": os.getloadavg()}, "smoke": args.smoke, "result": result}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "oid4vci.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "oid4vci.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
