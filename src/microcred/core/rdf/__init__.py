"""JSON-LD to RDF and RDFC-1.0 canonical N-Quads, in safe mode.

:func:`canonize` is what the Data Integrity cryptosuites call to sign and verify.  It
walks the compact document straight to quads (:mod:`.to_rdf`), with active contexts built
once and cached (:mod:`.context`; loaders serving only the bundled contexts share them),
then labels blank nodes with RDFC-1.0 (:mod:`.rdfc`) and writes canonical N-Quads
(:mod:`.nquads`).

Safe mode is always on in :func:`canonize`: anything JSON-LD expansion would silently drop
(an undefined property or type, a relative IRI, an invalid language tag, ...) raises
:class:`~microcred.core.errors.CanonicalizationError` naming the term and where it is.

``@direction`` follows the jsonld.js Data Integrity cryptosuites (eddsa-rdfc-2022,
ecdsa-rdfc-2019) and jsonld-signatures since 11.5: ``rdfDirection: "i18n-datatype"``, so
the direction is signed as the datatype ``https://www.w3.org/ns/i18n#{language}_{dir}``.
A :class:`Canonicalizer` made with ``rdf_direction=None`` refuses ``@direction`` instead
(what jsonld.js safe mode does without a direction mode).

The walker covers all of JSON-LD 1.1 deserialization to RDF (it passes the W3C toRdf test
suite, JSON-LD 1.0-only and ``compound-literal`` tests aside), so there is no fallback.
Where pyld departs from the specifications this package follows them (and jsonld.js /
rdf-canonize): control characters in literals are escaped as RDFC-1.0 requires; duplicate
quads count once; a quad naming one blank node in two positions is in that node's mention
set once; a 16-digit tie in ``xsd:double`` rounds away from zero (JavaScript's
``toExponential``); property-valued index maps add their property.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, cast

from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import rdfc
from microcred.core.rdf.context import ContextProcessor
from microcred.core.rdf.keys import DIRECTION_MODES
from microcred.core.rdf.nquads import Quad, parse_nquads, serialize_nquads
from microcred.core.rdf.safe import JsonLdError
from microcred.core.rdf.to_rdf import Walker

__all__ = [
    "Canonicalizer",
    "JsonLdError",
    "Quad",
    "canonicalize_dataset",
    "canonicalizer_for",
    "canonize",
    "parse_nquads",
    "serialize_nquads",
    "to_rdf_dataset",
]


class Canonicalizer:
    """JSON-LD to RDF and canonical N-Quads for one document loader, with its caches.

    The active contexts of the loader's documents are processed once and kept here.
    ``safe=False`` drops what expansion drops instead of raising (for interoperability
    tests only: never sign or verify that way).
    """

    def __init__(
        self,
        loader: DocumentLoader,
        *,
        safe: bool = True,
        rdf_direction: str | None = "i18n-datatype",
    ) -> None:
        if rdf_direction not in DIRECTION_MODES:
            raise ValueError(f"unsupported rdf_direction {rdf_direction!r}")
        self._processor = ContextProcessor(loader, safe=safe)
        self._rdf_direction = rdf_direction

    def to_rdf(self, document: Any, *, base: str | None = None) -> list[Quad]:
        """The quads of a compact (or expanded) JSON-LD document; blank nodes as ``_:bN``."""
        walker = Walker(self._processor, base=base, rdf_direction=self._rdf_direction)
        try:
            return walker.walk(document)
        except RecursionError as exc:
            raise CanonicalizationError("the document is nested too deeply") from exc
        except TypeError as exc:  # e.g. a map key that is not a string
            raise CanonicalizationError(f"the document is not JSON data ({exc})") from exc

    def canonize(self, document: Any, *, base: str | None = None) -> str:
        """Canonical N-Quads (RDFC-1.0) of the document."""
        return rdfc.canonicalize(self.to_rdf(document, base=base))


_BY_LOADER: weakref.WeakKeyDictionary[DocumentLoader, Canonicalizer] = weakref.WeakKeyDictionary()
_BY_FINGERPRINT: dict[str, Canonicalizer] = {}


def canonicalizer_for(loader: DocumentLoader) -> Canonicalizer:
    """The safe-mode :class:`Canonicalizer` of ``loader`` (made on first use).

    A memo, not state: it holds only what the loader's immutable documents determine.
    Loaders with the same :attr:`~DocumentLoader.fingerprint` (the bundled contexts and
    nothing else) share one, which keeps the first such loader; any other loader has its
    own, which lives as long as the loader (it holds the loader through a weak proxy).
    """
    found = _BY_LOADER.get(loader)
    if found is None:
        fingerprint = loader.fingerprint
        if fingerprint is None:
            found = Canonicalizer(cast(DocumentLoader, weakref.proxy(loader)))
        else:
            found = _BY_FINGERPRINT.get(fingerprint)
            if found is None:
                found = _BY_FINGERPRINT[fingerprint] = Canonicalizer(loader)
        _BY_LOADER[loader] = found
    return found


def canonize(document: Mapping[str, Any], loader: DocumentLoader) -> str:
    """Canonical N-Quads (RDFC-1.0) of a compact JSON-LD document, in safe mode.

    Every line ends in a line feed.  Raises :class:`CanonicalizationError` if the document
    is not valid JSON-LD, names a context the loader refuses, or holds anything expansion
    would drop (the message names the term and where it is).
    """
    return canonicalizer_for(loader).canonize(document)


def to_rdf_dataset(document: Any, loader: DocumentLoader) -> list[Quad]:
    """The quads of a compact JSON-LD document, in safe mode (blank nodes not canonical)."""
    return canonicalizer_for(loader).to_rdf(document)


def canonicalize_dataset(quads: list[Quad]) -> str:
    """Canonical N-Quads (RDFC-1.0) of a dataset of term-string quads."""
    return rdfc.canonicalize(quads)
