"""did:web DIDs from URLs and back (the did:web method's rules), and the document served."""

import pytest

from vc_service.credentials.dids import NotAWebUrl, did_document, document_path, document_url, ed25519_multikey, web_did


@pytest.mark.parametrize(
    ("url", "did", "document"),
    [
        ("https://sig.example.org", "did:web:sig.example.org", "https://sig.example.org/.well-known/did.json"),
        ("https://sig.example.org/", "did:web:sig.example.org", "https://sig.example.org/.well-known/did.json"),
        ("https://localhost:8443", "did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        (
            "https://example.org/sigs/health",
            "did:web:example.org:sigs:health",
            "https://example.org/sigs/health/did.json",
        ),
        ("https://Example.ORG/a%20b", "did:web:example.org:a%20b", "https://example.org/a b/did.json"),
    ],
)
def test_a_url_and_its_did(url, did, document):
    assert web_did(url) == did
    assert document_url(did) == document


@pytest.mark.parametrize(
    "url", ["http://sig.example.org", "https://sig.example.org/?x=1", "https://sig.example.org/#top", "sig.example.org"]
)
def test_only_https_urls_make_did_web(url):
    with pytest.raises(NotAWebUrl, match="did:web needs an https URL"):
        web_did(url)


def test_the_controller_serves_the_document_below_its_public_url():
    assert document_path("did:web:sig.example.org", "https://sig.example.org") == "/.well-known/did.json"
    assert document_path("did:web:example.org:sig", "https://example.org/sig/") == "/did.json"
    assert document_path("did:web:example.org:sig:sigs:a", "https://example.org/sig") == "/sigs/a/did.json"
    assert document_path("did:web:other.example", "https://example.org/sig") is None


def test_the_document_names_the_key_for_assertions():
    verkey = "5ANg2DZ4jk7VGtHHsv3SGKjvi79WHvfNp9L6woYPqQqe"  # the key of the did:key spec's example
    assert ed25519_multikey(verkey) == "z6MkicdicToW5HbxPP7zZV1H7RHvXgRMhoujWAF2n5WQkdd2"
    document = did_document("did:web:sig.example.org", verkey)
    assert document["assertionMethod"] == ["did:web:sig.example.org#key-1"] == document["authentication"]
    assert document["verificationMethod"] == [
        {
            "id": "did:web:sig.example.org#key-1",
            "type": "Ed25519VerificationKey2018",
            "controller": "did:web:sig.example.org",
            "publicKeyBase58": verkey,
        }
    ]
