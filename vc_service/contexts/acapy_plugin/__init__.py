"""ACA-Py plugin (``--plugin vc_service.contexts.acapy_plugin``): pinned contexts only.

Plugin settings (``--plugin-config`` YAML or ``-o``)::

    pinned_contexts:
      directories:
        - {path: /abs/dir}                          # rows with absolute URLs
        - {path: /abs/schemas/contexts, base_url: https://sig.example/}

The conductor binds its ``DocumentLoader`` after plugins are set up, and that loader
builds a ``StaticCacheJsonLdDownloader`` for every http(s) URL. Replacing that class in
the loader's module is therefore the one hook that is in place before the admin API
reports ready: the pinned documents join ACA-Py's own static cache and any other URL
fails with an error naming it instead of going to the network.

The plugin also answers pinned contexts and did:key documents without re-entering the
event loop (see ``load_without_reentry``).
"""

import logging
from functools import partial

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.did.did_key import DIDKey
from acapy_agent.vc.ld_proofs import document_loader
from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
from pydid.did_url import DIDUrl
from pyld.jsonld import JsonLdError

from ..pinned import PinnedContextSet, load_directories

LOGGER = logging.getLogger(__name__)
CONFIG_KEY = "pinned_contexts"
ACAPY_LOAD = document_loader.DocumentLoader.__call__


class PinnedContextDownloader(StaticCacheJsonLdDownloader):
    """ACA-Py's static cache plus the pinned documents; nothing from the network."""

    def __init__(self, pinned: PinnedContextSet) -> None:
        super().__init__()
        for url in pinned:
            self.cache[url] = {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": pinned.document(url),
            }

    def _live_load(self, url: str, options: dict | None = None):
        raise JsonLdError(
            f"JSON-LD context {url} is not pinned: add it to a pinned context directory",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )


def load_without_reentry(loader: document_loader.DocumentLoader, url: str, options: dict) -> dict:
    """Pinned contexts and did:key documents straight from memory; other DIDs as ACA-Py does.

    pyld asks for documents synchronously, and ACA-Py answers by re-entering the running
    event loop (nest_asyncio), which runs every other ready task inside that call. Dozens of
    concurrent verifications (a wallet storing a batch of badges, the verify endpoint under
    load) then nest until Python's recursion limit: RecursionError, and the credential is
    dropped. A pinned context or a did:key document needs no loop, so only DIDs that need
    real resolution (did:web, ledger DIDs) take that path.
    """
    if url.startswith(("http://", "https://")):
        return loader.requests_loader(url, options)
    did = DIDUrl.parse(url).did if DIDUrl.is_valid(url) else url
    if did.startswith("did:key:"):
        try:
            document = DIDKey.from_did(did).did_doc
        except Exception:  # ACA-Py's own path names the problem
            return ACAPY_LOAD(loader, url, options)
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": did, "document": document}
    return ACAPY_LOAD(loader, url, options)


async def setup(context: InjectionContext) -> None:
    config = (context.settings.get("plugin_config") or {}).get(CONFIG_KEY) or {}
    pinned = load_directories(config.get("directories") or [])
    document_loader.StaticCacheJsonLdDownloader = partial(PinnedContextDownloader, pinned)
    document_loader.DocumentLoader.__call__ = load_without_reentry
    LOGGER.info("Pinned JSON-LD contexts: %s", ", ".join(pinned) or "none beyond ACA-Py's")
