"""Canonicalizer caches: one per loader, contexts processed once, nothing global to reset."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from microcred.core.loader import DocumentLoader, RemoteDocument
from microcred.core.rdf import Canonicalizer, canonicalizer_for, canonize

V2 = "https://www.w3.org/ns/credentials/v2"
DOCUMENT: dict[str, Any] = {
    "@context": [V2],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
}


def test_one_canonicalizer_per_loader() -> None:
    first, second = DocumentLoader(), DocumentLoader()
    assert canonicalizer_for(first) is canonicalizer_for(first)
    assert canonicalizer_for(first) is not canonicalizer_for(second)


def test_the_canonicalizer_dies_with_its_loader() -> None:
    loader = DocumentLoader()
    watcher = weakref.ref(canonicalizer_for(loader))
    del loader
    gc.collect()
    assert watcher() is None


class CountingLoader(DocumentLoader):
    """A real loader that counts the documents it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []

    def load(self, url: str) -> RemoteDocument:
        self.loads.append(url)
        return super().load(url)


def test_contexts_are_loaded_once_per_loader() -> None:
    loader = CountingLoader()
    canonize(DOCUMENT, loader)
    assert loader.loads == [V2]
    canonize({**DOCUMENT, "issuer": "did:example:other"}, loader)
    assert loader.loads == [V2]
    Canonicalizer(loader).canonize(DOCUMENT)
    assert loader.loads == [V2, V2]


def test_loaders_with_different_documents_do_not_share_contexts() -> None:
    url = "https://example.com/ctx"
    one = DocumentLoader(extra={url: {"@context": {"p": "https://example.com/one"}}})
    two = DocumentLoader(extra={url: {"@context": {"p": "https://example.com/two"}}})
    document = {"@context": url, "@id": "https://example.com/s", "p": "x"}
    assert "one" in canonize(document, one)
    assert "two" in canonize(document, two)


def test_results_do_not_depend_on_earlier_documents() -> None:
    loader = DocumentLoader()
    fresh = Canonicalizer(loader).canonize(DOCUMENT)
    warmed = Canonicalizer(loader)
    for name in ("Bob", "Carol"):
        subject = {"id": "did:example:other", "name": name}
        warmed.canonize({**DOCUMENT, "credentialSubject": subject})
    assert warmed.canonize(DOCUMENT) == fresh
