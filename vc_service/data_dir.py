"""The data directory holds the controller database (claim data, emails), the agent's wallet and
log, and the generated secrets: only the service's own user may read it."""

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077  # new files 0600, new directories 0700


def make_private(data_dir: Path) -> None:
    """This process and the agent it starts create private files from now on; what an earlier
    version or another umask left readable by the group or others is closed too."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    for path in (data_dir, *data_dir.rglob("*")):
        if path.is_symlink():
            continue  # its target may be anyone's: leave it alone
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
