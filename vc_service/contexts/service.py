"""Which contexts the controller accepts: ACA-Py's built-in ones and the pinned directories."""

import json

from ..settings import PROJECT_DIR, Settings
from .acapy_ld_proofs import StaticCacheJsonLdDownloader
from .pinned import PinnedContext, PinnedContextSet, load_directories, load_manifest

SIG_CONTEXTS_DIR = PROJECT_DIR / "schemas" / "contexts"
SIG_CONTEXT_FILE = "sig-credentials-v1.jsonld"


def sig_context_url(base_url: str) -> str:
    """The SIG's own context: terms of its badges, and status entries for VCDM 1.1."""
    return f"{base_url}/contexts/{SIG_CONTEXT_FILE}"


def context_directories(settings: Settings) -> list[dict[str, str]]:
    """The plugin's directories: the SIG's own contexts (served by us) and the configured set."""
    directories = [{"path": str(SIG_CONTEXTS_DIR), "base_url": settings.base_url + "/"}]
    if settings.contexts_dir is not None:
        directories.append({"path": str(settings.contexts_dir.resolve())})
    return directories


def acapy_builtin_contexts() -> list[PinnedContext]:
    """The W3C and security contexts ACA-Py ships in its own static cache."""
    cache = StaticCacheJsonLdDownloader().cache
    return [PinnedContext(url=url, document=json.loads(entry["document"])) for url, entry in cache.items()]


def accepted_contexts(settings: Settings) -> PinnedContextSet:
    pinned = load_directories(context_directories(settings))
    return PinnedContextSet([*acapy_builtin_contexts(), *(pinned.items())])


def sig_contexts(settings: Settings) -> dict[str, PinnedContext]:
    """The SIG's own contexts by file name, as served under /contexts/."""
    return {
        context.url.rsplit("/", 1)[-1]: context for context in load_manifest(SIG_CONTEXTS_DIR, settings.base_url + "/")
    }
