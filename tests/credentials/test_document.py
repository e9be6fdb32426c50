import pytest

from vc_service.contexts.pinned import PinnedContext, PinnedContextSet
from vc_service.contexts.service import accepted_contexts
from vc_service.credentials.document import (
    InvalidCredential,
    check_structure,
    context_urls,
    undefined_properties,
    vcdm_version,
)
from vc_service.settings import Settings

from ..support import SHARED_CONTEXTS, attendance_credential


@pytest.fixture(scope="module")
def pinned() -> PinnedContextSet:
    return accepted_contexts(Settings(contexts_dir=SHARED_CONTEXTS))


def test_context_urls_include_nested_and_imported_contexts():
    context = ["https://a", {"T": {"@id": "urn:t", "@context": ["https://b", {"@import": "https://c"}]}}]
    assert list(context_urls(context)) == ["https://a", "https://b", "https://c"]


def test_version_comes_from_the_first_context():
    assert vcdm_version({"@context": ["https://www.w3.org/ns/credentials/v2"]}) == "2.0"
    assert vcdm_version({"@context": "https://www.w3.org/2018/credentials/v1"}) == "1.1"
    with pytest.raises(InvalidCredential, match="must begin with"):
        vcdm_version({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]})


def test_an_attendance_badge_is_well_formed(pinned):
    check_structure(attendance_credential(id="urn:uuid:1", issuer="did:key:z6Mk1"), pinned)


def test_a_credential_without_issuer_is_refused(pinned):
    with pytest.raises(InvalidCredential, match="issuer"):
        check_structure(attendance_credential(id="urn:uuid:1"), pinned)


def test_a_badge_without_the_open_badges_context_is_refused():
    pinned = PinnedContextSet([PinnedContext("https://www.w3.org/ns/credentials/v2", {})])
    credential = attendance_credential(
        id="urn:uuid:1", issuer="did:key:z6Mk1", **{"@context": ["https://www.w3.org/ns/credentials/v2"]}
    )
    with pytest.raises(InvalidCredential, match="needs the context"):
        check_structure(credential, pinned)


def test_undefined_properties_are_named(pinned):
    credential = attendance_credential(id="urn:uuid:1", issuer="did:key:z6Mk1", validFrom="2026-01-01T00:00:00Z")
    credential["credentialSubject"]["shoeSize"] = 42
    assert undefined_properties(credential, pinned) == ["credentialSubject.shoeSize"]
