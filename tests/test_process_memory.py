"""The controller's malloc arenas: threads share two instead of one each (glibc)."""

import subprocess
import sys

# A process whose threads allocate, then counts glibc's arenas (malloc_info lists one <heap> each).
THREADS_THAT_ALLOCATE = """
import ctypes, os, sys, tempfile, threading
from vc_service.process_memory import limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas()
def allocate(ready, go):
    ready.wait(); blocks = [bytearray(4096) for _ in range(200)]; go.wait(); del blocks
ready, go = threading.Barrier(9), threading.Barrier(8)
threads = [threading.Thread(target=allocate, args=(ready, go)) for _ in range(8)]
for thread in threads: thread.start()
ready.wait()
for thread in threads: thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(stream)); libc.fclose(ctypes.c_void_p(stream))
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


def arenas(mode: str) -> int:
    run = subprocess.run(
        [sys.executable, "-c", THREADS_THAT_ALLOCATE, mode], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return int(run.stdout)


def test_threads_share_two_arenas():
    assert arenas("limited") <= 2 < arenas("default")


def test_vc_service_up_limits_the_arenas_before_it_builds_the_app(monkeypatch, tmp_path):
    """`vc-service up` applies the limit first: the threads it starts later share the two arenas."""
    import uvicorn
    from typer.testing import CliRunner

    from vc_service import main, process_memory
    from vc_service.cli import app

    calls: list[str] = []
    monkeypatch.setattr(process_memory, "limit_malloc_arenas", lambda: calls.append("limit") or True)
    monkeypatch.setattr(main, "create_app", lambda settings: calls.append("app") or object())

    class NotServing:  # the server ends at once, never started: `up` exits 1
        started = False

        def __init__(self, config: object) -> None:
            calls.append("server")

        async def serve(self) -> None:
            return None

    monkeypatch.setattr(uvicorn, "Server", NotServing)
    monkeypatch.setattr(uvicorn, "Config", lambda application, **options: application)
    monkeypatch.setenv("VC_SERVICE_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["up"])
    assert result.exit_code == 1, result.output
    assert calls == ["limit", "app", "server"]
