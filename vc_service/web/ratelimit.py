"""A small in-process rate limit for public endpoints (verify, door QR, claim links)."""

import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request, status


class RateLimit:
    """At most ``limit`` requests per ``period`` seconds from one client address. ``limit`` is a
    number, or the name of the setting that holds it (read at each request)."""

    def __init__(self, limit: int | str, period: float = 60.0, clock=time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def __call__(self, request: Request) -> None:
        limit = self.limit if isinstance(self.limit, int) else getattr(request.app.state.service.settings, self.limit)
        client = request.client.host if request.client else "unknown"
        now = self._clock()
        for address in [address for address, hits in self._hits.items() if now - hits[-1] > self.period]:
            del self._hits[address]  # clients gone quiet: the table stays as small as the traffic
        hits = self._hits[client]
        while hits and now - hits[0] > self.period:
            hits.popleft()
        if len(hits) >= limit:
            retry_after = int(self.period - (now - hits[0])) + 1
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many requests from {client}: at most {limit} per {int(self.period)} s",
                headers={"Retry-After": str(retry_after)},
            )
        hits.append(now)
