"""IRI helpers of JSON-LD processing: keyword forms, absolute IRIs, RFC 3986 resolution.

Resolution is written here because :func:`urllib.parse.urljoin` only resolves references
for the schemes it knows (it returns ``did:`` or ``urn:`` references unchanged) and does not
follow RFC 3986 §5.2 exactly; JSON-LD requires exactly that basic algorithm.
"""

from __future__ import annotations

import re

KEYWORDS = frozenset(
    {
        "@base",
        "@container",
        "@context",
        "@default",
        "@direction",
        "@embed",
        "@explicit",
        "@graph",
        "@id",
        "@import",
        "@included",
        "@index",
        "@json",
        "@language",
        "@list",
        "@nest",
        "@none",
        "@omitDefault",
        "@prefix",
        "@preserve",
        "@propagate",
        "@protected",
        "@requireAll",
        "@reverse",
        "@set",
        "@type",
        "@value",
        "@version",
        "@vocab",
    }
)

_KEYWORD_FORM = re.compile(r"@[a-zA-Z]+\Z")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*\Z")
_GEN_DELIMS = frozenset(":/?#[]@")
_URI_PARTS = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?\Z", re.S)


def is_keyword(value: str) -> bool:
    return value in KEYWORDS


def has_keyword_form(value: str) -> bool:
    """True for ``@`` followed by letters only (reserved for future keywords)."""
    return _KEYWORD_FORM.match(value) is not None


def is_absolute_iri(value: str) -> bool:
    """True if ``value`` has a scheme and no white space (the test jsonld.js applies)."""
    return _ABSOLUTE.match(value) is not None


def ends_with_gen_delim(iri: str) -> bool:
    return bool(iri) and iri[-1] in _GEN_DELIMS


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1 or (output and output[0] != ""):
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    # The leading empty segment of an absolute path is never popped, so it stays absolute.
    return "/".join(output)


def _merge(base_authority: str | None, base_path: str, ref_path: str) -> str:
    if base_authority is not None and base_path == "":
        return "/" + ref_path
    return base_path[: base_path.rfind("/") + 1] + ref_path


def resolve(reference: str, base: str) -> str:
    """Resolve ``reference`` against the absolute IRI ``base`` (RFC 3986 §5.2.2)."""
    ref = _URI_PARTS.match(reference)
    parts = _URI_PARTS.match(base)
    if ref is None or parts is None:  # pragma: no cover - the pattern matches any string
        return reference
    r_scheme, r_auth, r_path, r_query, r_frag = ref.groups()
    b_scheme, b_auth, b_path, b_query, _ = parts.groups()
    if r_scheme is not None:
        scheme, auth, path, query = r_scheme, r_auth, _remove_dot_segments(r_path), r_query
    elif r_auth is not None:
        scheme, auth, path, query = b_scheme, r_auth, _remove_dot_segments(r_path), r_query
    elif r_path == "":
        scheme, auth, path = b_scheme, b_auth, b_path
        query = r_query if r_query is not None else b_query
    else:
        target = r_path if r_path.startswith("/") else _merge(b_auth, b_path, r_path)
        scheme, auth, path, query = b_scheme, b_auth, _remove_dot_segments(target), r_query
    return _recompose(scheme, auth, path, query, r_frag)


def _recompose(
    scheme: str | None, auth: str | None, path: str, query: str | None, fragment: str | None
) -> str:
    text = f"{scheme}:" if scheme is not None else ""
    if auth is not None:
        text += f"//{auth}"
    text += path
    if query is not None:
        text += f"?{query}"
    if fragment is not None:
        text += f"#{fragment}"
    return text
