"""A Credo 0.6 member wallet (``tests/wallets/credo/wallet.mjs``) as a process the tests drive.

The wallet accepts DIDComm credential offers and proof requests as they arrive (as a member
tapping "accept" would), and takes OpenID4VCI offers when told to. Its JSON-LD documents are
the pinned contexts (the shared set, the SIG's own served by the service under test, and the
W3C ones ACA-Py ships); it fetches nothing beyond loopback.
"""

import hashlib
import json
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from vc_service.contexts.service import SIG_CONTEXTS_DIR, acapy_builtin_contexts

from ..support import PROJECT_DIR, SHARED_CONTEXTS, allow_processes, free_port, wait_for

WALLET_DIR = PROJECT_DIR / "tests" / "wallets" / "credo"
INSTALLED = WALLET_DIR / "node_modules" / ".installed"


class CredoWalletError(AssertionError):
    """The wallet refused a command; ``detail`` is its answer (error message and cause)."""

    def __init__(self, command: str, detail: dict) -> None:
        super().__init__(f"Credo wallet: {command} failed: {detail}")
        self.detail = detail


def write_context_directory(directory: Path) -> Path:
    """ACA-Py's built-in W3C/security contexts as a manifest directory (what the service accepts
    beside the pinned sets): Credo bundles credentials v1 but not v2 or ed25519-2020."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for index, context in enumerate(acapy_builtin_contexts()):
        data = json.dumps(context.document).encode()
        file = f"acapy-{index}.json"
        (directory / file).write_bytes(data)
        rows.append({"url": context.url, "file": file, "sha256": hashlib.sha256(data).hexdigest()})
    (directory / "manifest.json").write_text(json.dumps({"contexts": rows}))
    return directory


@dataclass
class CredoWallet:
    """One member's phone: start(), then the commands below; stop() kills the process."""

    home: Path
    service_url: str  # the SIG's own context is served there
    label: str = "Credo member wallet"
    # Credo's OpenID4VCI holder takes https issuers only: a TlsFront's test CA, trusted by node.
    ca_file: Path | None = None
    didcomm_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    control_url: str = ""

    @property
    def didcomm_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.didcomm_port}"

    def start(self, timeout: float = 60.0) -> "CredoWallet":
        allow_processes("Credo wallet")
        if not INSTALLED.exists():
            raise RuntimeError(
                f"Credo wallet not installed: run `make test` or `npm ci --ignore-scripts --prefix {WALLET_DIR}`"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        ready = self.home / "ready.json"
        ready.unlink(missing_ok=True)
        contexts = [
            str(SHARED_CONTEXTS),
            f"{SIG_CONTEXTS_DIR}={self.service_url}/",
            str(write_context_directory(self.home / "acapy-contexts")),
        ]
        command = ["node", str(WALLET_DIR / "wallet.mjs"), "--data", str(self.home / "wallet.json")]
        command += ["--label", self.label, "--didcomm-port", str(self.didcomm_port), "--ready-file", str(ready)]
        for directory in contexts:
            command += ["--contexts", directory]
        env = {**os.environ, **({"NODE_EXTRA_CA_CERTS": str(self.ca_file)} if self.ca_file else {})}
        log = (self.home / "wallet.log").open("ab")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=WALLET_DIR, env=env
        )

        def started() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"Credo wallet exited ({self.process.returncode}):\n{self.log_tail()}")
            return ready.exists() and ready.stat().st_size > 0

        wait_for(started, "the Credo wallet to start", timeout)
        self.control_url = json.loads(ready.read_text())["control"]
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def log_tail(self, lines: int = 60) -> str:
        path = self.home / "wallet.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def _call(self, method: str, path: str, body: dict | None = None, timeout: float = 60.0):
        response = httpx.request(method, f"{self.control_url}{path}", json=body, timeout=timeout)
        if response.status_code != 200:
            raise CredoWalletError(f"{method} {path}", response.json())
        return response.json()

    # DIDComm

    def receive_invitation(self, url: str) -> dict:
        """Scan an out-of-band invitation (its URL, a short one redirecting to it, or `?oob=`):
        ``{outOfBandId, connectionId}`` (no connection for a connectionless proof request)."""
        return self._call("POST", "/didcomm/invitations", {"url": url})

    def connections(self) -> list[dict]:
        """``{id, state, outOfBandId, did, theirDid, theirLabel}`` of each DIDComm connection."""
        return self._call("GET", "/didcomm/connections")

    def wait_for_connection(self, out_of_band_id: str, timeout: float = 60.0) -> dict:
        def completed():
            return next(
                (c for c in self.connections() if c["outOfBandId"] == out_of_band_id and c["state"] == "completed"),
                None,
            )

        return wait_for(completed, "the Credo wallet's connection", timeout)

    def connect(self, url: str, timeout: float = 60.0) -> dict:
        """Receive the invitation and wait until DID Exchange completed: the connection."""
        return self.wait_for_connection(self.receive_invitation(url)["outOfBandId"], timeout)

    def credential_exchanges(self) -> list[dict]:
        """``{id, state, threadId, connectionId, credentialIds, error}``; ``error`` is why the
        wallet could not go on with an exchange (or a problem report's text)."""
        return self._call("GET", "/didcomm/credential-exchanges")

    def proof_exchanges(self) -> list[dict]:
        """``{id, state, threadId, connectionId, error}`` of each proof request received."""
        return self._call("GET", "/didcomm/proof-exchanges")

    # Stored credentials (whatever channel brought them)

    def credentials(self) -> list[dict]:
        """The W3C credentials stored: ``{id, credential}``, the credential as JSON (JSON-LD) or
        its compact JWT string (``jwt_vc_json``)."""
        return self._call("GET", "/credentials")

    def wait_for_credentials(self, count: int, timeout: float = 60.0) -> list[dict]:
        """The stored credentials once there are ``count``; the exchanges' states if never."""
        try:
            return wait_for(
                lambda: len(stored := self.credentials()) >= count and stored, f"{count} credentials", timeout
            )
        except AssertionError as missing:
            raise AssertionError(f"{missing}; Credo exchanges: {self.credential_exchanges()}") from None

    # OpenID4VCI holder

    def did_key(self) -> dict:
        """The wallet's own Ed25519 ``did:key`` (made once): ``{did, verificationMethod}``."""
        return self._call("POST", "/dids/key")

    def resolve_offer(self, offer: str) -> dict:
        """Resolve an ``openid-credential-offer://`` URI (by value or by reference) and the
        issuer's metadata: ``{credentialIssuer, configurations: {id: {format}},
        preAuthorizedCode, txCode}``."""
        return self._call("POST", "/oid4vci/resolve", {"offer": offer})

    def accept_offer(
        self,
        offer: str,
        tx_code: str | None = None,
        configuration_ids: list[str] | None = None,
        did: str | None = None,
        verify_credential_status: bool = False,
    ) -> dict:
        """Pre-authorized code flow: token (with ``tx_code`` when asked), then one credential
        request per configuration (all offered unless ``configuration_ids``), each with a proof
        JWT (``EdDSA``, ``kid`` = the did:key's verification method). The credentials are stored;
        answers ``{did, credentials: [{configurationId, format, id, credential}]}``. An issuer's
        refusal raises CredoWalletError with Credo's message."""
        body = {"offer": offer, "txCode": tx_code, "configurationIds": configuration_ids, "did": did}
        return self._call("POST", "/oid4vci/accept", {**body, "verifyCredentialStatus": verify_credential_status})


def credo_wallet(service_url: str, home: Path | None = None, ca_file: Path | None = None):
    """A started wallet for a fixture: ``yield from credo_wallet(service.url, tmp_path)``."""
    home = home or Path(tempfile.mkdtemp(prefix="credo-"))
    wallet = CredoWallet(home=home, service_url=service_url, ca_file=ca_file)
    try:
        yield wallet.start()
    finally:
        wallet.stop()


__all__ = ["CredoWallet", "CredoWalletError", "credo_wallet"]
