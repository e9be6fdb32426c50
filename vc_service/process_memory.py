"""The controller process's allocator: few malloc arenas.

glibc gives each thread that allocates an arena of its own (up to eight per core) and keeps
what a thread freed in its arena. The controller's threads (one per aiosqlite connection, the
worker threads of blocking writes and password hashes) held 23 MB of its 188 MB peak that way
after two batches of badges; with two arenas the peak was 165 MB (bench/MEASURED.md).
"""

import ctypes

M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` for the threads started from now on; False where the C library is
    not glibc (it has no such setting, nor those arenas)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
