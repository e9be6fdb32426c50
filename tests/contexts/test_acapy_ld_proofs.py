"""The controller uses ACA-Py's JSON-LD check and contexts without nest_asyncio's patch of asyncio
(pure-Python tasks and futures, a re-entrant loop): a fresh interpreter, as `vc-service up` is."""

import subprocess
import sys

CONTROLLER_IMPORTS = """
import asyncio
import vc_service.cli
import vc_service.main
from vc_service.contexts.service import acapy_builtin_contexts
from vc_service.credentials.document import undefined_properties
assert acapy_builtin_contexts()
print(getattr(asyncio, "_nest_patched", False), asyncio.Task.__module__)
"""


def test_the_controller_keeps_asyncio_as_it_is():
    answer = subprocess.run([sys.executable, "-c", CONTROLLER_IMPORTS], capture_output=True, text=True, check=True)
    assert answer.stdout.split() == ["False", "_asyncio"], answer.stdout + answer.stderr
