"""Canonicalizer caches: shared by the loaders of the bundled contexts, one per other loader,
contexts processed once, results independent of what was canonized before."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from microcred.core.loader import DocumentLoader, RemoteDocument
from microcred.core.rdf import Canonicalizer, canonicalizer_for, canonize, context

V2 = "https://www.w3.org/ns/credentials/v2"
DOCUMENT: dict[str, Any] = {
    "@context": [V2],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
}


PRIVATE = {"https://example.com/ctx": {"@context": {"p": "https://example.com/p"}}}


def test_loaders_of_the_bundled_contexts_share_a_canonicalizer() -> None:
    first, second = DocumentLoader(), DocumentLoader(extra={}, allowed_hosts=["example.com"])
    assert canonicalizer_for(first) is canonicalizer_for(second)
    validator = DocumentLoader(accept_ob_validator_context=True)
    assert canonicalizer_for(validator) is canonicalizer_for(
        DocumentLoader(accept_ob_validator_context=True)
    )
    assert canonicalizer_for(validator) is not canonicalizer_for(first)


def test_other_loaders_have_their_own_canonicalizer() -> None:
    bundled = canonicalizer_for(DocumentLoader())
    others = [
        DocumentLoader(extra=PRIVATE),
        DocumentLoader(extra=PRIVATE),
        DocumentLoader(fetcher=lambda url: b"{}", allowed_hosts=["example.com"]),
        CountingLoader(),
    ]
    canonicalizers = [canonicalizer_for(loader) for loader in others]
    for loader, found in zip(others, canonicalizers, strict=True):
        assert canonicalizer_for(loader) is found
    assert len({id(found) for found in [bundled, *canonicalizers]}) == 5


def test_fingerprints() -> None:
    published = DocumentLoader().fingerprint
    assert published is not None
    assert DocumentLoader(extra={}).fingerprint == published
    assert DocumentLoader(accept_ob_validator_context=True).fingerprint not in (None, published)
    assert DocumentLoader(extra=PRIVATE).fingerprint is None
    assert DocumentLoader(fetcher=lambda url: b"{}").fingerprint is None
    assert CountingLoader().fingerprint is None


def test_a_loader_replacing_a_bundled_context_does_not_share() -> None:
    canonize(DOCUMENT, DocumentLoader())  # the bundled V2 context, processed and shared
    replaced = {V2: {"@context": {"@vocab": "https://example.com/vocab#"}}}
    loader = DocumentLoader(extra=replaced)
    assert loader.fingerprint is None
    assert "<https://example.com/vocab#name>" in canonize(DOCUMENT, loader)


def test_the_canonicalizer_of_other_documents_dies_with_its_loader() -> None:
    loader = DocumentLoader(extra=PRIVATE)
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


def test_past_the_cache_bound_contexts_are_processed_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An @context listing one URL many times makes a new active context per repetition;
    # past the bound they are not kept, and the results are the same.
    monkeypatch.setattr(context, "MAX_CACHED_CONTEXTS", 1)
    canonicalizer = Canonicalizer(DocumentLoader())
    expected = canonicalizer.canonize(DOCUMENT)
    for repeated in ([V2, V2], [V2, V2, V2]):
        assert canonicalizer.canonize({**DOCUMENT, "@context": repeated}) == expected
    assert canonicalizer.canonize(DOCUMENT) == expected
