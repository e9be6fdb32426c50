"""Sends the admin key only to the supervised agent: every new connection to its admin port is
checked to reach a listening socket that the agent process (or a child of it) holds.

While the agent restarts its port is free, and any local process could bind it and read the key
from the controller's next request. Linux says who holds a socket: ``/proc/net/tcp{,6}`` lists
the listening sockets with their inodes, ``/proc/<pid>/fd`` links ``socket:[inode]``. The check
runs once per new connection, after the TCP handshake and before a byte is sent; the pool's
kept-alive connections are not checked again (they cannot change hands).
"""

import ipaddress
import logging
import os
import sys
from pathlib import Path

from .transport import AgentTransport

LOGGER = logging.getLogger(__name__)
PROC = Path("/proc")
LISTEN = "0A"  # the TCP state of a listening socket in /proc/net/tcp
WILDCARDS = (ipaddress.ip_address("0.0.0.0"), ipaddress.ip_address("::"))


class ForeignAdminPort(Exception):
    """The admin port is held by a process other than the agent (answered 503, as unreachable)."""


class AdminPortGuard:
    """Refuses a new connection to ``port`` unless its listening socket belongs to ``agent_pid``
    (set by the supervisor; None: no agent yet)."""

    def __init__(self, port: int, agent_pid: int | None = None) -> None:
        self.port = port
        self.agent_pid = agent_pid
        self._refused: tuple[int | None, frozenset[int]] | None = None  # what was logged last

    def transport(self) -> AgentTransport:
        """A transport for the agent's client whose new connections go through this guard."""
        return AgentTransport(on_connect=self._connected)

    def _connected(self, host: str, port: int) -> None:
        if port == self.port:
            self.check(host)

    def check(self, host: str) -> None:
        """Raise ForeignAdminPort unless whatever listens on ``host:port`` is the agent's."""
        listeners = self._listeners(ipaddress.ip_address(host))
        held = self._held_by_agent(self.agent_pid, listeners) if self.agent_pid is not None else set()
        if listeners and held == listeners:
            self._refused = None
            return
        owners = frozenset(self._owners(listeners - held))
        if self._refused != (self.agent_pid, owners):  # once, not at every poll while it lasts
            self._refused = (self.agent_pid, owners)
            LOGGER.warning(
                "refusing to send the agent's admin key to %s:%s: its listening socket belongs to %s, not the agent (pid %s)",
                host,
                self.port,
                f"pid {', '.join(map(str, sorted(owners)))}" if owners else "an unknown process",
                self.agent_pid,
            )
        raise ForeignAdminPort(f"the agent's admin port {self.port} is held by another process; nothing was sent")

    def _listeners(self, host: ipaddress.IPv4Address | ipaddress.IPv6Address) -> set[int]:
        """Inodes of the listening sockets a connection to ``host:port`` may reach. For an IPv4
        host, an IPv4 listener takes the connection before a dual-stack IPv6 one (and the
        kernel spends milliseconds writing each table out), so tcp6 is read only without one."""
        reachable = {host, *WILDCARDS, ipaddress.ip_address(f"::ffff:{host}") if host.version == 4 else host}
        inodes: set[int] = set()
        for table in ("tcp", "tcp6") if host.version == 4 else ("tcp6",):
            try:
                lines = (PROC / "net" / table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == LISTEN and int(port, 16) == self.port and _address(address) in reachable:
                    inodes.add(int(fields[9]))
            if inodes:
                break
        return inodes

    def _held_by_agent(self, agent_pid: int, listeners: set[int]) -> set[int]:
        """Those of the listeners the agent (``agent_pid``) holds, or a child of it (a server that forks)."""
        held = _socket_inodes(PROC / str(agent_pid)) & listeners
        if held != listeners:  # rare: the children are found through every process's parent
            for child in self._descendants(agent_pid):
                held |= _socket_inodes(PROC / str(child)) & listeners
        return held

    def _descendants(self, pid: int) -> list[int]:
        parents = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        found, frontier = [], [pid]
        while frontier:
            children = [child for child, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found

    def _owners(self, inodes: set[int]) -> list[int]:
        """The processes holding those sockets, as far as this user may look (for the log)."""
        if not inodes:
            return []
        return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit() and _socket_inodes(entry) & inodes]


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as /proc/net/tcp{,6} writes it: 32-bit words in the host's byte order."""
    raw = bytes.fromhex(hex_address)
    words = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    return ipaddress.ip_address(b"".join(word[::-1] if sys.byteorder == "little" else word for word in words))


def _socket_inodes(process: Path) -> set[int]:
    inodes: set[int] = set()
    try:
        descriptors = os.listdir(process / "fd")
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(process / "fd" / descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes
