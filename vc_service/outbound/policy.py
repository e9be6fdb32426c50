"""The outbound-fetch policy: where a fetch made on a request's behalf may go, and how long
all of a request's fetches may take (status lists, did:web documents the agent would resolve).

A public verifier must not become a port scanner or a way into the private network: a
destination is refused unless every address its host resolves to is public, or in a network
the operator allows (``VC_SERVICE_OUTBOUND_ALLOW_NETWORKS``); the service's own ports (API,
agent admin, agent inbound) are refused on any non-public address even then. Every failure,
refusal included, reads the same to the caller (``OutboundRefused``); the log says why.
"""

import asyncio
import ipaddress
import logging
import socket
import time
from typing import cast
from urllib.parse import urlsplit

LOGGER = logging.getLogger(__name__)
REQUEST_FETCHES = 32  # a presentation of a few credentials, each with its status lists and did:web issuer

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundRefused(Exception):
    """A destination was refused, or the fetch failed or ran out of time. The message is the
    same whatever the cause (the caller learns nothing of the network); the cause is logged."""


class OutboundPolicy:
    def __init__(
        self,
        allowed_networks: list[Network],
        own_ports: set[int],
        fetch_timeout: float,
        request_timeout: float,
        request_fetches: int,
    ) -> None:
        self._allowed = allowed_networks
        self._own_ports = own_ports
        self.fetch_timeout = fetch_timeout
        self._request_timeout = request_timeout
        self._request_fetches = request_fetches

    def allows(self, address: Address, port: int) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if port in self._own_ports and not address.is_global:
            return False
        return address.is_global or any(address in network for network in self._allowed)

    def for_request(self) -> "OutboundRequest":
        """The budget of one request: its deadline and how many fetches it may make."""
        return OutboundRequest(self, time.monotonic() + self._request_timeout, self._request_fetches)


class OutboundRequest:
    """What one request may still fetch: a deadline over all its fetches, and a count."""

    def __init__(self, policy: OutboundPolicy, deadline: float, fetches: int) -> None:
        self._policy = policy
        self._deadline = deadline
        self._fetches = self._fetches_left = fetches
        self._checked: dict[str, tuple[str, int, Address] | OutboundRefused] = {}

    def timeout(self) -> float:
        """Seconds the next fetch may take: its own limit, within what is left of the request's."""
        return max(0.0, min(self._policy.fetch_timeout, self._deadline - time.monotonic()))

    async def destination(self, url: str, failure: str) -> tuple[str, int, Address]:
        """The host, port and the address to connect to for ``url``, once the policy allows
        every address of its host; else ``OutboundRefused(failure)``. Counts as one fetch; a
        destination asked for again (a presentation's credential) is not resolved again."""
        if self._fetches_left <= 0:
            raise self.refuse(failure, f"{url}: the request made its {self._fetches} fetches already")
        self._fetches_left -= 1
        if url not in self._checked:
            try:
                self._checked[url] = await self._check(url, failure)
            except OutboundRefused as exc:
                self._checked[url] = exc
        checked = self._checked[url]
        if isinstance(checked, OutboundRefused):
            raise OutboundRefused(failure)
        return checked

    async def _check(self, url: str, failure: str) -> tuple[str, int, Address]:
        scheme: str | None
        host: str | None
        port: int | None
        try:
            parts = urlsplit(url)
            scheme, host, port = (
                parts.scheme,
                parts.hostname,
                parts.port or {"https": 443, "http": 80}.get(parts.scheme),
            )
        except ValueError:  # a port that is no number, a broken IPv6 address
            scheme = host = port = None
        if scheme not in ("http", "https") or not host or port is None:
            raise self.refuse(failure, f"{url!r} is not an http(s) URL")
        try:
            async with asyncio.timeout(self.timeout()):
                found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError) as exc:
            raise self.refuse(failure, f"{url}: {host} does not resolve ({exc.__class__.__name__})") from exc
        # An IPv4 or IPv6 sockaddr (the only families a host name resolves to) starts with the address text.
        addresses = [ipaddress.ip_address(cast(str, info[4][0]).split("%")[0]) for info in found]
        refused = [address for address in addresses if not self._policy.allows(address, port)]
        if refused or not addresses:
            raise self.refuse(failure, f"{url}: destination {refused or host} port {port} is not allowed")
        return host, port, addresses[0]

    @staticmethod
    def refuse(failure: str, cause: str) -> OutboundRefused:
        LOGGER.info("outbound fetch refused or failed: %s", cause)
        return OutboundRefused(failure)


def outbound_policy(settings) -> OutboundPolicy:
    own_ports = {settings.port, settings.agent_admin_port, settings.agent_inbound_port}
    return OutboundPolicy(
        settings.outbound_allow_networks,
        own_ports,
        settings.status_fetch_timeout,
        settings.outbound_request_timeout,
        REQUEST_FETCHES,
    )
