"""RDF terms as canonical N-Quads strings, and canonical N-Quads (RDFC-1.0 appendix A).

A term is kept in its canonical N-Quads form from the moment it is made:

* an IRI is ``<iri>``;
* a blank node is ``_:label``;
* a literal is ``"escaped lexical form"`` followed by nothing (``xsd:string``),
  ``@language`` or ``^^<datatype>``.

A quad is a tuple ``(subject, predicate, object, graph)`` of such strings, the graph being
``""`` for the default graph.  Canonicalization then only swaps blank node labels, and
serialization only joins strings.

The escaping rules are those of RDFC-1.0 (canonical N-Quads), which pyld does not follow:
``\\b \\t \\n \\f \\r \\" \\\\`` use ECHAR; other characters U+0000 to U+001F, U+007F and those
outside XML 1.1 ``Char`` (lone surrogates, U+FFFE, U+FFFF) use ``\\uXXXX`` with uppercase hex.
Parsing is written here because no maintained library parses N-Quads into this
string-term form; it serves tests and callers holding N-Quads text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from microcred.core.errors import CanonicalizationError

Quad = tuple[str, str, str, str]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = RDF + "langString"

_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff\ufffe\uffff]')
_IRI_FORBIDDEN = re.compile('[\x00-\x20<>"{}|^`\\\\\ud800-\udfff\ufffe\uffff]')
_LANGTAG = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*\Z")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def escape_literal(value: str) -> str:
    """The lexical form as it appears between the quotes of a canonical N-Quads literal."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return _NEEDS_ESCAPE.sub(_escape_char, value)


def is_valid_iri_text(iri: str) -> bool:
    """True if ``iri`` can be written as an N-Quads IRIREF without escapes and has at most
    one ``#`` (RFC 3987 allows none in a fragment)."""
    return _IRI_FORBIDDEN.search(iri) is None and iri.count("#") <= 1


def iri_term(iri: str) -> str:
    return f"<{iri}>"


def literal_term(lexical: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal term; ``xsd:string`` is written without its datatype, as RDFC-1.0 requires."""
    text = f'"{escape_literal(lexical)}"'
    if language is not None:
        if not _LANGTAG.match(language):
            raise CanonicalizationError(f"{language!r} is not a well-formed language tag")
        return f"{text}@{language}"
    if datatype is None or datatype == XSD_STRING:
        return text
    return f"{text}^^<{datatype}>"


def quad_line(quad: Quad) -> str:
    """One quad in canonical N-Quads form, with its final line feed."""
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def serialize_nquads(quads: Iterable[Quad]) -> str:
    """N-Quads lines in code point order, without duplicates (a dataset is a set)."""
    return "".join(sorted({quad_line(quad) for quad in quads}))


# --- parsing -------------------------------------------------------------------------

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF = rf"<((?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*)>"
_PN = r"A-Za-z0-9_\u00b7\u00c0-\ufffd"
_BNODE = rf"(_:[{_PN}](?:[{_PN}.\-]*[{_PN}\-])?)"
_LITERAL = (
    rf"\"((?:[^\"\\\n\r]|\\[tbnrf\"'\\]|{_UCHAR})*)\""
    rf"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^{_IRIREF})?"
)
_TERM = rf"(?:{_IRIREF}|{_BNODE}|{_LITERAL})"
_LINE = re.compile(
    rf"[ \t]*{_TERM}[ \t]*{_TERM}[ \t]*{_TERM}(?:[ \t]*{_TERM})?[ \t]*\.[ \t]*(?:#.*)?"
)
_UNESCAPE = re.compile(rf"\\[tbnrf\"'\\]|{_UCHAR}")
_UNECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if token[1] in "uU":
            return chr(int(token[2:], 16))
        return _UNECHAR[token[1]]

    return _UNESCAPE.sub(replace, text)


def _term(groups: tuple[str | None, ...]) -> str:
    iri, bnode, lexical, language, datatype = groups
    if iri is not None:
        return iri_term(_unescape(iri))
    if bnode is not None:
        return bnode
    if lexical is None:
        return ""
    dtype = _unescape(datatype) if datatype is not None else None
    return literal_term(_unescape(lexical), dtype, language.lower() if language else None)


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads text into quads of canonical terms (comments and blank lines skipped)."""
    quads: list[Quad] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise CanonicalizationError(f"N-Quads line {number} is not valid: {line[:80]!r}")
        groups = match.groups()
        terms = [_term(groups[i : i + 5]) for i in range(0, 20, 5)]
        quads.append((terms[0], terms[1], terms[2], terms[3]))
    return quads
