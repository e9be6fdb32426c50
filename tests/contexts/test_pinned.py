import hashlib
import json

import pytest
from pyld.jsonld import JsonLdError

from vc_service.contexts.pinned import ContextPinError, load_directories, load_manifest
from vc_service.contexts.service import SIG_CONTEXTS_DIR

from ..support import SHARED_CONTEXTS


def write_context_dir(directory, url: str, document: dict, sha256: str | None = None):
    data = json.dumps(document).encode()
    (directory / "ctx.json").write_bytes(data)
    digest = sha256 or hashlib.sha256(data).hexdigest()
    manifest = {"contexts": [{"url": url, "file": "ctx.json", "sha256": digest}]}
    (directory / "manifest.json").write_text(json.dumps(manifest))


def test_loads_the_shared_open_badges_context():
    (context,) = load_manifest(SHARED_CONTEXTS)
    assert context.url == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    assert "OpenBadgeCredential" in context.document["@context"]


def test_sig_context_urls_are_relative_to_the_public_url():
    (context,) = load_manifest(SIG_CONTEXTS_DIR, "https://sig.example/base/")
    assert context.url == "https://sig.example/base/contexts/sig-credentials-v1.jsonld"


def test_a_file_that_does_not_match_its_hash_is_refused(tmp_path):
    write_context_dir(tmp_path, "https://example.org/c", {"@context": {}}, sha256="0" * 64)
    with pytest.raises(ContextPinError, match="https://example.org/c.*sha256"):
        load_manifest(tmp_path)


def test_a_directory_without_manifest_is_refused(tmp_path):
    with pytest.raises(ContextPinError, match="no manifest.json"):
        load_manifest(tmp_path)


def test_a_manifest_row_without_sha256_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"contexts": [{"url": "https://x", "file": "x"}]}))
    with pytest.raises(ContextPinError, match="lacks url, file or sha256"):
        load_manifest(tmp_path)


def test_the_document_loader_serves_pinned_documents_and_names_unpinned_urls(tmp_path):
    write_context_dir(tmp_path, "https://example.org/c", {"@context": {"a": "urn:a"}})
    pinned = load_directories([{"path": str(tmp_path)}])
    assert pinned.load_document("https://example.org/c")["document"] == {"@context": {"a": "urn:a"}}
    with pytest.raises(JsonLdError, match="https://example.org/other is not pinned"):
        pinned.load_document("https://example.org/other")
