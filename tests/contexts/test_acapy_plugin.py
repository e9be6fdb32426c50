"""The plugin's downloader, as the agent's DocumentLoader uses it."""

import asyncio

import nest_asyncio
import pytest
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.resolver.default.key import KeyDIDResolver
from acapy_agent.resolver.did_resolver import DIDResolver
from acapy_agent.utils.testing import create_test_profile
from acapy_agent.vc.ld_proofs import document_loader
from pyld.jsonld import JsonLdError

from vc_service.contexts import acapy_plugin

from ..support import SHARED_CONTEXTS

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@pytest.fixture
async def plugin():
    """The plugin set up as the agent sets it up; ACA-Py's classes restored afterwards. In the agent,
    importing ACA-Py's document loader applied nest_asyncio (its loader runs a loop inside the
    running one); here the controller's code may have imported it first, with that patch skipped
    (contexts/acapy_ld_proofs.py): applied as the agent has it."""
    nest_asyncio.apply()
    downloader, load = document_loader.StaticCacheJsonLdDownloader, document_loader.DocumentLoader.__call__
    context = InjectionContext(
        settings={"plugin_config": {"pinned_contexts": {"directories": [{"path": str(SHARED_CONTEXTS)}]}}}
    )
    await acapy_plugin.setup(context)
    yield
    document_loader.StaticCacheJsonLdDownloader, document_loader.DocumentLoader.__call__ = downloader, load


async def test_setup_pins_the_configured_directories_and_refuses_the_rest(plugin):
    downloader = document_loader.StaticCacheJsonLdDownloader()
    assert "OpenBadgeCredential" in downloader.load(OB3)["document"]["@context"]
    assert downloader.load("https://www.w3.org/ns/credentials/v2")  # ACA-Py's own stay available
    with pytest.raises(JsonLdError, match="https://example.org/not-pinned is not pinned"):
        downloader.load("https://example.org/not-pinned")


async def test_contexts_and_did_keys_load_without_running_other_tasks(plugin):
    """pyld's synchronous loads must not run the loop's other tasks inside them: with dozens
    of concurrent verifications that nesting reaches Python's recursion limit."""
    profile = await create_test_profile()
    resolver = DIDResolver([KeyDIDResolver()])
    profile.context.injector.bind_instance(DIDResolver, resolver)
    loader = document_loader.DocumentLoader(profile)
    bystanders = []

    async def bystander_runs() -> None:
        bystanders.append(True)

    def start_bystander() -> asyncio.Task:
        return asyncio.get_running_loop().create_task(bystander_runs())

    bystander = start_bystander()
    assert "OpenBadgeCredential" in loader(OB3, {})["document"]["@context"]
    did_document = loader(f"{DID_KEY}#{DID_KEY.removeprefix('did:key:')}", {})
    assert bystanders == []
    await bystander
    assert did_document == await loader.load_document(DID_KEY, {})  # what ACA-Py's resolver gives

    bystander = start_bystander()
    acapy_plugin.ACAPY_LOAD(loader, DID_KEY, {})
    assert bystanders == [True, True], "ACA-Py's own loader re-enters the loop (why the plugin answers these itself)"
    await bystander
