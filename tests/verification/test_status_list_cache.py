"""The cache of other issuers' status lists: bounded in entries, bytes and lifetime (issue 14,
point 2). The fetch itself is faked here; tests/verification/test_outbound_fetch.py fetches."""

from vc_service.verification.status_lists import FetchedList, StatusListResolver

ISSUER = "did:key:z6MkIssuer"
LIST_BYTES = 131_072 // 8


def resolver(entries: int, size: int, seconds: float) -> tuple[StatusListResolver, list[str]]:
    resolver = StatusListResolver(None, None, "http://us.example", None, entries, size, seconds)
    fetched = []

    async def foreign_list(url, issuer, outbound):
        fetched.append(url)
        return FetchedList(issuer=ISSUER, purpose="revocation", bits=bytes(LIST_BYTES)), 10**9  # "keep it forever"

    resolver._foreign_list = foreign_list
    return resolver, fetched


async def fetch_all(resolver: StatusListResolver, urls: list[str]) -> None:
    for url in urls:
        await resolver.fetch(url, ISSUER, outbound=None)


async def test_a_list_is_kept_at_most_the_caches_own_lifetime():
    kept, fetched = resolver(entries=10, size=10**6, seconds=3600)
    await fetch_all(kept, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1"]
    expiring, fetched = resolver(entries=10, size=10**6, seconds=0)
    await fetch_all(expiring, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/1"]


async def test_the_cache_holds_a_bounded_number_of_lists():
    cache, fetched = resolver(entries=2, size=10**6, seconds=3600)
    await fetch_all(cache, ["https://a/1", "https://a/2", "https://a/3", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/2", "https://a/3", "https://a/1"]
    assert len(cache._cache) == 2


async def test_the_cache_holds_a_bounded_number_of_bytes():
    cache, fetched = resolver(entries=100, size=3 * LIST_BYTES, seconds=3600)
    await fetch_all(cache, [f"https://a/{n}" for n in range(5)])
    assert len(cache._cache) == 3 and cache._cache.currsize <= 3 * LIST_BYTES
    lonely, fetched = resolver(entries=100, size=LIST_BYTES - 1, seconds=3600)  # larger than the whole cache: not kept
    await fetch_all(lonely, ["https://a/1", "https://a/1"])
    assert fetched == ["https://a/1", "https://a/1"]
