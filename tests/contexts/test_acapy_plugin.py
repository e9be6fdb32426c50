"""The plugin's downloader, as the agent's DocumentLoader uses it."""

import pytest
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.vc.ld_proofs import document_loader
from pyld.jsonld import JsonLdError

from vc_service.contexts import acapy_plugin

from ..support import SHARED_CONTEXTS

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@pytest.fixture
def restore_downloader():
    original = document_loader.StaticCacheJsonLdDownloader
    yield
    document_loader.StaticCacheJsonLdDownloader = original


async def test_setup_pins_the_configured_directories_and_refuses_the_rest(restore_downloader):
    context = InjectionContext(
        settings={"plugin_config": {"pinned_contexts": {"directories": [{"path": str(SHARED_CONTEXTS)}]}}}
    )
    await acapy_plugin.setup(context)
    downloader = document_loader.StaticCacheJsonLdDownloader()
    assert "OpenBadgeCredential" in downloader.load(OB3)["document"]["@context"]
    assert downloader.load("https://www.w3.org/ns/credentials/v2")  # ACA-Py's own stay available
    with pytest.raises(JsonLdError, match="https://example.org/not-pinned is not pinned"):
        downloader.load("https://example.org/not-pinned")
