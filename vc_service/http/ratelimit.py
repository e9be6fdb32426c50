"""Rate limits for public endpoints (login, verify, door QR, claim links, proof requests).

The client is the connection's peer, or the address a trusted proxy forwarded
(``VC_SERVICE_TRUSTED_PROXIES``, applied by uvicorn before this runs). On SQLite (the embedded
default: one controller) hits are counted in memory over a sliding period. On PostgreSQL several
controllers may answer one client, so they count in the database, in fixed windows of one
period: one atomic upsert a request, and old windows are deleted as new ones begin.
"""

import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request, status
from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from .models import CLIENT_LENGTH, RateLimitWindow


class RateLimit:
    """At most ``limit`` requests per ``period`` seconds from one client address. ``limit`` is a
    number, or the name of the setting that holds it (read at each request). ``name`` tells the
    limits apart in the shared count: by default the setting's name, or the limit and period."""

    def __init__(self, limit: int | str, period: float = 60.0, clock=time.time, name: str | None = None) -> None:
        self.limit = limit
        self.period = period
        self.name = name or (limit if isinstance(limit, str) else f"{limit} per {period:g} s")
        self._clock = clock  # wall-clock time by default: controllers share the windows
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, request: Request) -> None:
        service = request.app.state.service
        limit = self.limit if isinstance(self.limit, int) else getattr(service.settings, self.limit)
        client = request.client.host if request.client else "unknown"
        now = self._clock()
        if service.engine.dialect.name == "postgresql":
            wait = await self._shared_hit(service.sessions, client, limit, now)
        else:
            wait = self._local_hit(client, limit, now)
        if wait is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many requests from {client}: at most {limit} per {int(self.period)} s",
                headers={"Retry-After": str(int(wait) + 1)},
            )

    def _local_hit(self, client: str, limit: int, now: float) -> float | None:
        """Count a hit in this process; None if allowed, else the seconds until the next is."""
        for address in [address for address, hits in self._hits.items() if now - hits[-1] > self.period]:
            del self._hits[address]  # clients gone quiet: the table stays as small as the traffic
        hits = self._hits[client]
        while hits and now - hits[0] > self.period:
            hits.popleft()
        if len(hits) >= limit:
            return self.period - (now - hits[0])
        hits.append(now)
        return None

    async def _shared_hit(self, sessions: async_sessionmaker, client: str, limit: int, now: float) -> float | None:
        """Count a hit in the database every controller uses; as ``_local_hit``."""
        window = int(now // self.period)
        client = client[:CLIENT_LENGTH]  # a forwarded "address" is whatever the proxy passed on
        count = (
            insert(RateLimitWindow)
            .values(scope=self.name, client=client, window_index=window, hits=1)
            .on_conflict_do_update(
                index_elements=[RateLimitWindow.scope, RateLimitWindow.client, RateLimitWindow.window_index],
                set_={"hits": RateLimitWindow.hits + 1},
            )
            .returning(RateLimitWindow.hits)
        )
        async with sessions.begin() as session:
            hits = (await session.execute(count)).scalar_one()
            if hits == 1:  # a client's first hit of a window: earlier windows are done with
                done = (
                    select(RateLimitWindow.scope, RateLimitWindow.client, RateLimitWindow.window_index)
                    .where(RateLimitWindow.scope == self.name, RateLimitWindow.window_index < window)
                    .with_for_update(skip_locked=True)  # another controller is deleting those: leave them
                )
                key = tuple_(RateLimitWindow.scope, RateLimitWindow.client, RateLimitWindow.window_index)
                await session.execute(delete(RateLimitWindow).where(key.in_(done)))
        return None if hits <= limit else (window + 1) * self.period - now
