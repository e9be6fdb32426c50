"""The service behind a TLS front on ``https://127.0.0.1:PORT`` and Credo wallets that trust it:
Credo takes only an https credential issuer whose URLs class-validator accepts (not ``localhost``)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..support import RunningService, TlsFront, create_database, drop_database
from ..wallets.credo import CredoWallet, credo_wallet


@contextmanager
def service_behind_tls(
    directory: Path, backend: str, extra_env: dict | None = None
) -> Iterator[tuple[RunningService, TlsFront]]:
    directory.mkdir(parents=True, exist_ok=True)
    service = RunningService(data_dir=directory, database_url=create_database(backend, directory))
    front = TlsFront(directory, service.port, host="127.0.0.1")
    service.extra_env = {
        "VC_SERVICE_PUBLIC_URL": front.url,
        "VC_SERVICE_ISSUER_DID_METHOD": "key",  # the wallet resolves did:key offline
        "SSL_CERT_FILE": str(front.ca_file),
        **(extra_env or {}),
    }
    service.start()
    try:
        yield service, front
    finally:
        service.stop()
        front.close()
        drop_database(service.database_url)


@contextmanager
def trusting_credo_wallet(front: TlsFront, home: Path) -> Iterator[CredoWallet]:
    """A started Credo wallet that trusts the front's test CA (node reads NODE_EXTRA_CA_CERTS once, at start)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NODE_EXTRA_CA_CERTS", str(front.ca_file))
        wallets = credo_wallet(front.url, home)
        wallet = next(wallets)
    try:
        yield wallet
    finally:
        wallets.close()
