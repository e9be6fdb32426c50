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
"""

import logging
from functools import partial

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.vc.ld_proofs import document_loader
from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
from pyld.jsonld import JsonLdError

from ..pinned import PinnedContextSet, load_directories

LOGGER = logging.getLogger(__name__)
CONFIG_KEY = "pinned_contexts"


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


async def setup(context: InjectionContext) -> None:
    config = (context.settings.get("plugin_config") or {}).get(CONFIG_KEY) or {}
    pinned = load_directories(config.get("directories") or [])
    document_loader.StaticCacheJsonLdDownloader = partial(PinnedContextDownloader, pinned)
    LOGGER.info("Pinned JSON-LD contexts: %s", ", ".join(pinned) or "none beyond ACA-Py's")
