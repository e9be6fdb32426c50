"""The development pool's process-group leader: runs the 4 nodes and serves the tails files.

    python -m vc_service.ledger.runner LEDGER_DIR TAILS_PORT OWNER_PID

Started by ``DevLedger.up`` in its own session. SIGTERM or SIGINT stops the nodes and
then itself; so does the end of OWNER_PID (0: none); if a node dies, the whole pool stops
(a 3-node pool would hide the failure).
"""

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from .pool import LEDGER_PYTHON, LEDGER_TOOLS, DevLedger
from .tails import tails_app

LOGGER = logging.getLogger("vc_service.ledger")
NODE_STOP_SECONDS = 5.0


async def stop_when_gone(pid: int, stop: asyncio.Event) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            LOGGER.info("owner process %s ended: stopping the pool", pid)
            stop.set()
            return
        await asyncio.sleep(1)


async def run(ledger: DevLedger, owner_pid: int) -> None:
    log_dir = ledger.directory / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    nodes: list[asyncio.subprocess.Process] = []
    for node in ledger.nodes():
        with (log_dir / f"{node.name}.out").open("ab") as out:  # the node's own log is in pool/log/
            nodes.append(
                await asyncio.create_subprocess_exec(
                    str(LEDGER_PYTHON),
                    str(LEDGER_TOOLS / "indy_dev_pool.py"),
                    "node",
                    str(ledger.pool_dir),
                    node.name,
                    str(node.node_port),
                    str(node.client_port),
                    stdout=out,
                    stderr=asyncio.subprocess.STDOUT,
                    stdin=asyncio.subprocess.DEVNULL,
                )
            )
        LOGGER.info("%s started (pid %s), ports %s and %s", node.name, nodes[-1].pid, node.node_port, node.client_port)
    tails = web.AppRunner(tails_app(ledger.tails_dir), access_log=None)
    await tails.setup()
    await web.TCPSite(tails, "127.0.0.1", ledger.port).start()
    LOGGER.info("tails server on %s, files in %s", ledger.tails_url, ledger.tails_dir)

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    waits: list[asyncio.Task[object]] = [
        asyncio.create_task(stop.wait()),
        *(asyncio.create_task(node.wait()) for node in nodes),
    ]
    if owner_pid:
        waits.append(asyncio.create_task(stop_when_gone(owner_pid, stop)))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        LOGGER.error("a node exited (codes %s): stopping the pool", [node.returncode for node in nodes])
    for process in nodes:
        if process.returncode is None:
            process.terminate()
    try:
        await asyncio.wait_for(asyncio.gather(*(process.wait() for process in nodes)), NODE_STOP_SECONDS)
    except TimeoutError:
        for process in nodes:
            if process.returncode is None:
                process.kill()
    await tails.cleanup()
    LOGGER.info("pool stopped")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(DevLedger(Path(sys.argv[1]), int(sys.argv[2])), int(sys.argv[3])))
