"""JSON-LD to RDF and RDFC-1.0 canonicalization (temporary pyld-backed version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader


def canonize(document: Mapping[str, Any], loader: DocumentLoader) -> str:
    """Canonical N-Quads (RDFC-1.0) of a compact JSON-LD document."""
    try:
        result = jsonld.normalize(
            dict(document),
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
        )
    except jsonld.JsonLdError as exc:
        raise CanonicalizationError(str(exc)) from exc
    return str(result)
