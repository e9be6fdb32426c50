"""Stand-in for python-rocksdb, which does not build here (Cython 3, Debian's librocksdb 7.8).

indy-plenum imports ``rocksdb`` at module level only to subclass ``rocksdb.IComparator``;
the development pool stores everything in LevelDB (see vc_service/ledger/indy_config.py), so
nothing else of RocksDB is ever used. Anything else fails loudly instead of half-working.
"""


class IComparator:
    pass


def __getattr__(name):
    raise ImportError(f"rocksdb.{name}: RocksDB is not available; configure LevelDB storage")
