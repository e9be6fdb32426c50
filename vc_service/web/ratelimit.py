"""A small in-process rate limit for public endpoints (door QR, claim links)."""

import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request, status


class RateLimit:
    """At most ``limit`` requests per ``period`` seconds from one client address."""

    def __init__(self, limit: int, period: float = 60.0) -> None:
        self.limit = limit
        self.period = period
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        now = time.monotonic()
        hits = self._hits[client]
        while hits and now - hits[0] > self.period:
            hits.popleft()
        if len(hits) >= self.limit:
            retry_after = int(self.period - (now - hits[0])) + 1
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many requests from {client}: at most {self.limit} per {int(self.period)} s",
                headers={"Retry-After": str(retry_after)},
            )
        hits.append(now)
