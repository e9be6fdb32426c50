"""Context documents known by URL and checked against their sha256 when loaded.

A context directory holds a ``manifest.json`` listing ``{url, file, sha256}`` rows, so an
operator pins another context by adding a file and a row. The same code runs in the
controller (to refuse unpinned contexts with a named error) and in the agent's plugin (so
the agent can load nothing else).
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from pyld.jsonld import JsonLdError

MANIFEST = "manifest.json"


class ContextPinError(Exception):
    """A manifest or a pinned file is missing, malformed or does not match its hash."""


@dataclass(frozen=True)
class PinnedContext:
    url: str
    document: dict


def load_manifest(directory: Path, base_url: str | None = None) -> list[PinnedContext]:
    """Read a context directory; relative URLs in it are resolved against ``base_url``."""
    manifest_path = directory / MANIFEST
    try:
        rows = json.loads(manifest_path.read_text())["contexts"]
    except FileNotFoundError as exc:
        raise ContextPinError(f"no {MANIFEST} in context directory {directory}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ContextPinError(f"{manifest_path} is not a context manifest: {exc}") from exc
    contexts = []
    for row in rows:
        try:
            url, file, sha256 = row["url"], row["file"], row["sha256"]
        except (KeyError, TypeError) as exc:
            raise ContextPinError(f"{manifest_path}: row {row!r} lacks url, file or sha256") from exc
        if base_url is not None:
            url = urljoin(base_url.rstrip("/") + "/", url)
        data = (directory / file).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise ContextPinError(
                f"pinned context {url} ({directory / file}) has sha256 {digest}, manifest says {sha256}"
            )
        contexts.append(PinnedContext(url=url, document=json.loads(data)))
    return contexts


class PinnedContextSet:
    """The documents of one or more context directories, by URL."""

    def __init__(self, contexts: Iterable[PinnedContext] = ()) -> None:
        self._documents = {context.url: context.document for context in contexts}

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def document(self, url: str) -> dict:
        return self._documents[url]

    def load_document(self, url: str, options: dict | None = None) -> dict:
        """A pyld document loader that knows the pinned documents and nothing else."""
        if url not in self._documents:
            raise JsonLdError(
                f"JSON-LD context {url} is not pinned",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self._documents[url],
        }

    def items(self) -> list[PinnedContext]:
        return [PinnedContext(url, document) for url, document in self._documents.items()]


def load_directories(directories: Iterable[dict]) -> PinnedContextSet:
    """``[{path, base_url?}]``, as in the plugin's settings, into one set."""
    contexts = []
    for entry in directories:
        contexts += load_manifest(Path(entry["path"]), entry.get("base_url"))
    return PinnedContextSet(contexts)
