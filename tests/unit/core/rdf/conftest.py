"""Shared fixtures of the RDF tests: the offline loader, the vectors and a pyld reference."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from microcred.core.loader import DocumentLoader

VECTORS = Path(__file__).resolve().parents[3] / "vectors"


def load_vector(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))


def pyld_canonize(document: Any, loader: DocumentLoader) -> str:
    """pyld's URDNA2015 canonical N-Quads (the reference the differential tests use)."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
        "rdfDirection": "i18n-datatype",
    }
    return str(jsonld.normalize(json.loads(json.dumps(document)), options))


@pytest.fixture(scope="session")
def loader() -> DocumentLoader:
    return DocumentLoader()


@pytest.fixture(scope="session")
def reference(loader: DocumentLoader) -> Callable[[Any], str]:
    return lambda document: pyld_canonize(document, loader)


@pytest.fixture(scope="session")
def pyld_reference() -> Callable[[Any, DocumentLoader], str]:
    """pyld's canonical N-Quads of a document, with the given loader."""
    return pyld_canonize


@pytest.fixture(scope="session")
def vector() -> Callable[[str], Any]:
    return load_vector


@pytest.fixture(scope="session")
def vector_text() -> Callable[[str], str]:
    return lambda relative: (VECTORS / relative).read_text(encoding="utf-8")
