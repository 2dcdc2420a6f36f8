"""Offline JSON-LD document loader.

The contexts a credential may name ship inside the package (``contexts/index.json`` maps
each URL to its file and SHA-256; ``contexts/index-extra.json`` lists, in the same form,
contexts bundled beyond that copied index, such as the ODRL context that the VC 1.1
examples context imports).  Any other URL is refused, unless the caller passes a
fetcher *and* the URL's host is on the caller's allow-list.  Nothing here ever touches the
network by itself.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urlsplit

from microcred.core.errors import DocumentLoaderError, InputError
from microcred.core.jsonutil import parse_json

#: ``fetcher(url) -> body bytes``: the only way the core reaches beyond its bundled data.
Fetcher = Callable[[str], bytes]

#: The published OB 3.0.3 context (used to issue) and 1EdTech validator's later copy
#: of it, which only adds ``endorsementJwt`` and ``jti`` (accepted when verifying).
OB_303_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_303_VALIDATOR_FILE = "ob-v3p0-context-3.0.3.1edtech-validator-2026.json"

MAX_CONTEXT_BYTES = 512_000


@dataclass(frozen=True)
class RemoteDocument:
    url: str
    document: Any
    content_type: str = "application/ld+json"

    def as_pyld(self) -> dict[str, Any]:
        """The shape pyld's document loaders return."""
        return {
            "contentType": self.content_type,
            "contextUrl": None,
            "documentUrl": self.url,
            "document": self.document,
        }


@functools.cache
def _bundled(variant: str) -> Mapping[str, Any]:
    """Bundled contexts by URL, checked against the SHA-256 in the index (read once)."""
    return read_context_folder(resources.files("microcred.core").joinpath("contexts"), variant)


@functools.cache
def _bundled_bytes(variant: str) -> Mapping[str, bytes]:
    """The bundled contexts by URL as the exact bytes shipped (read once)."""
    return read_context_bytes(resources.files("microcred.core").joinpath("contexts"), variant)


#: The index copied with the bundled contexts, and the optional index of the contexts added.
INDEX_FILE = "index.json"
EXTRA_INDEX_FILE = "index-extra.json"
#: Digests of what some bundled contexts' URLs serve, where those bytes differ from the
#: bundled file (same JSON): hash name -> hex, by URL.
SERVED_DIGESTS_FILE = "served-digests.json"


@functools.cache
def _served_digests() -> Mapping[str, Mapping[str, bytes]]:
    folder = resources.files("microcred.core").joinpath("contexts")
    listed = json.loads(folder.joinpath(SERVED_DIGESTS_FILE).read_bytes())
    return {
        url: {name: bytes.fromhex(value) for name, value in entry.items() if name != "note"}
        for url, entry in listed.items()
    }


def read_context_folder(folder: Traversable, variant: str = "published") -> dict[str, Any]:
    """The contexts that ``index.json`` (and ``index-extra.json``, when present) in
    ``folder`` list, each checked against its SHA-256.

    An extra entry may not name a URL that ``index.json`` already lists.
    """
    return {url: json.loads(raw) for url, raw in read_context_bytes(folder, variant).items()}


def read_context_bytes(folder: Traversable, variant: str = "published") -> dict[str, bytes]:
    """Like :func:`read_context_folder`, but each context as the exact bytes of its file."""
    index = json.loads(folder.joinpath(INDEX_FILE).read_bytes())
    extra_file = folder.joinpath(EXTRA_INDEX_FILE)
    extra = json.loads(extra_file.read_bytes()) if extra_file.is_file() else []
    listed = {entry["url"] for entry in index}
    for entry in extra:
        if entry["url"] in listed:
            raise DocumentLoaderError(
                f"{EXTRA_INDEX_FILE} lists {entry['url']}, which {INDEX_FILE} already lists"
            )
    contexts: dict[str, bytes] = {}
    for entry in [*index, *extra]:
        is_validator = entry["file"] == OB_303_VALIDATOR_FILE
        if is_validator != (variant == "validator") and entry["url"] == OB_303_URL:
            continue
        raw = folder.joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise DocumentLoaderError(f"bundled context {entry['file']} is corrupt")
        contexts[entry["url"]] = raw
    return contexts


def bundled_context_urls() -> frozenset[str]:
    """URLs of every context that ships with microcred."""
    return frozenset(_bundled("published"))


class DocumentLoader:
    """Serves bundled contexts; other URLs only through an allowed fetcher.

    ``extra`` adds documents by URL (e.g. a test's private context).  ``fetcher`` and
    ``allowed_hosts`` together allow remote documents: a URL whose host is not allowed
    is refused even when a fetcher is given.  ``accept_ob_validator_context`` serves
    1EdTech validator's superset of the OB 3.0.3 context (a verifier's choice).
    """

    def __init__(
        self,
        *,
        extra: Mapping[str, Any] | None = None,
        fetcher: Fetcher | None = None,
        allowed_hosts: Collection[str] = (),
        accept_ob_validator_context: bool = False,
    ) -> None:
        variant = "validator" if accept_ob_validator_context else "published"
        self._variant = variant
        self._documents: dict[str, Any] = {**_bundled(variant), **(extra or {})}
        self._extra_urls = frozenset(extra or ())
        self._fetcher = fetcher
        self._allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        self._fetched: dict[str, Any] = {}
        self._fetched_bytes: dict[str, bytes] = {}

    @property
    def fingerprint(self) -> str | None:
        """Names the documents this loader serves when they are exactly a bundled set.

        Loaders with the same fingerprint serve the same immutable documents, so what is
        derived from those documents (processed contexts) may be shared between them.
        None for a loader with other documents (``extra``), a fetcher, or a subclass (which
        may serve anything).
        """
        if type(self) is not DocumentLoader or self._fetcher is not None:
            return None
        for variant in ("published", "validator"):
            bundled = _bundled(variant)
            if len(self._documents) == len(bundled) and all(
                self._documents.get(url) is document for url, document in bundled.items()
            ):
                return f"microcred-bundled-{variant}"
        return None

    def is_known(self, url: str) -> bool:
        return url in self._documents or url in self._fetched

    def load(self, url: str) -> RemoteDocument:
        """Return the document at ``url`` or raise :class:`DocumentLoaderError`."""
        document = self._documents.get(url)
        if document is None:
            document = self._fetched.get(url)
        if document is None:
            document = self._fetch(url)
        return RemoteDocument(url=url, document=document)

    def load_bytes(self, url: str) -> bytes:
        """The exact bytes of the resource at ``url``: a bundled context as shipped, or the
        body that an allowed fetch returned (any media type; it need not be JSON).

        Raises :class:`DocumentLoaderError` for a document given through ``extra`` (held as
        parsed JSON only, so its bytes are unknown) and for a URL it may not fetch.
        """
        if url in self._extra_urls:
            raise DocumentLoaderError(
                f"the document {url} was given as parsed JSON, so its exact bytes are unknown"
            )
        raw = _bundled_bytes(self._variant).get(url)
        if raw is None:
            raw = self._fetched_bytes.get(url)
        return self._fetch_bytes(url) if raw is None else raw

    def served_digests(self, url: str) -> Mapping[str, bytes]:
        """For a bundled context whose URL serves other bytes than the file shipped (the
        same JSON): the digests of those bytes by hash name (``sha256``, ``sha384``,
        ``sha512``); empty for any other URL.  A ``relatedResource`` digest of either
        form of the document is then recognised."""
        if url in self._extra_urls or url not in _bundled_bytes(self._variant):
            return {}
        return _served_digests().get(url, {})

    def load_copy(self, url: str) -> Any:
        """A deep copy of the document, safe for the caller to change."""
        return copy.deepcopy(self.load(url).document)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        """pyld-compatible loader."""
        return self.load(url).as_pyld()

    def _fetch(self, url: str) -> Any:
        body = self._fetch_bytes(url)
        try:
            document = parse_json(body, max_bytes=MAX_CONTEXT_BYTES)
        except InputError as exc:
            raise DocumentLoaderError(f"the document at {url} is not usable: {exc}") from exc
        self._fetched[url] = document
        return document

    def _fetch_bytes(self, url: str) -> bytes:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self._fetcher is None:
            raise DocumentLoaderError(
                f"the document {url} is not bundled and fetching is not enabled"
            )
        if parts.scheme != "https" or host not in self._allowed_hosts:
            raise DocumentLoaderError(
                f"the document {url} is not bundled and its host is not on the allow-list"
            )
        try:
            body = self._fetcher(url)
        except DocumentLoaderError:
            raise
        except Exception as exc:
            raise DocumentLoaderError(f"fetching {url} failed: {exc}") from exc
        self._fetched_bytes[url] = body
        return body
