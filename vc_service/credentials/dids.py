"""The issuer DID methods: ``did:key`` (the embedded default) and ``did:web`` (a public site).

A ``did:web`` DID names a host (and a path) on which anyone fetches its DID document over
HTTPS: ``did:web:example.org`` at ``https://example.org/.well-known/did.json``,
``did:web:example.org:sig`` at ``https://example.org/sig/did.json`` (the did:web method
specification). The controller serves that document, built from the agent's key.
"""

from urllib.parse import quote, unquote, urlsplit

import base58

WEB_KEY_FRAGMENT = "key-1"
ED25519_MULTICODEC = b"\xed\x01"


class NotAWebUrl(ValueError):
    """A did:web DID needs an https URL without query or fragment."""


def web_did(base_url: str) -> str:
    """The did:web DID of an https base URL (a port is percent-encoded, path segments become
    colon-separated parts)."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise NotAWebUrl(f"did:web needs an https URL without query or fragment, not {base_url!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(unquote(segment), safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *segments])


def document_url(did: str) -> str:
    """Where a did:web DID's document is fetched (the method's resolution rule)."""
    host, *segments = did.removeprefix("did:web:").split(":")
    path = "/".join(unquote(segment) for segment in segments) if segments else ".well-known"
    return f"https://{unquote(host)}/{path}/did.json"


def document_path(did: str, base_url: str) -> str | None:
    """The path, below the controller's root at ``base_url``, of the DID's document; None when
    the document lies outside what the controller serves."""
    url, root = document_url(did), base_url.rstrip("/")
    return url.removeprefix(root) if url.startswith(root + "/") else None


def verification_method(did: str) -> str:
    """The key a credential of the issuer is signed with: did:key's own fragment, did:web's
    single key."""
    if did.startswith("did:key:"):
        return f"{did}#{did.removeprefix('did:key:')}"
    return f"{did}#{WEB_KEY_FRAGMENT}"


def ed25519_multikey(verkey: str) -> str:
    """A base58 Ed25519 public key as a Multikey (multibase z, multicodec ed25519-pub)."""
    return "z" + base58.b58encode(ED25519_MULTICODEC + base58.b58decode(verkey)).decode()


def did_document(did: str, verkey: str) -> dict:
    """The DID document of a did:web issuer with one Ed25519 key (base58, as the agent keeps it).

    Shaped as ACA-Py's own did:key documents (``Ed25519VerificationKey2018``, the DID context
    only): its verifiers accept it for ``Ed25519Signature2020`` and for Data Integrity proofs.
    """
    key = verification_method(did)
    return {
        "@context": "https://www.w3.org/ns/did/v1",  # defines the key type too; verifiers have it offline
        "id": did,
        "verificationMethod": [
            {"id": key, "type": "Ed25519VerificationKey2018", "controller": did, "publicKeyBase58": verkey}
        ],
        "authentication": [key],
        "assertionMethod": [key],
    }
