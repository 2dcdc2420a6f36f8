"""This platform's own DID documents, read from the database.

The verifier resolves ``did:web`` through a ``fetcher(url) -> bytes`` (the core's port
for reaching documents).  :class:`OwnFirstFetcher` answers the URLs of this platform's
own DID documents from the database, so credentials it issued verify without a network
round trip to itself, and hands every other URL to the allow-listed fetcher, if any.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from microcred.core.errors import DocumentLoaderError
from microcred.core.loader import Fetcher
from microcred.domain.model import valid_slug
from microcred.services.identity import did_document, organisation_did
from microcred.services.organisations import Platform


class OwnDids:
    def __init__(self, platform: Platform, base_url: str) -> None:
        self._platform = platform
        self._base_url = base_url
        parts = urlsplit(base_url)
        self.host = (parts.hostname or "").lower()
        self._netloc = parts.netloc.lower()
        self._prefix = parts.path.rstrip("/") + "/orgs/"

    def document(self, slug: str) -> dict[str, Any] | None:
        """The did:web DID document of organisation ``slug``, or None if there is none (no
        such organisation, or one that issues as a did:key)."""
        with self._platform.uow() as uow:
            org = uow.organisations.by_slug(slug)
            if org is None or org.is_did_key:
                return None
            keys = uow.keys.for_org(org.id)
        return did_document(organisation_did(self._base_url, org, keys), keys)

    def slug_of(self, url: str) -> str | None:
        """The organisation whose DID document ``url`` is (any scheme), if it is one."""
        parts = urlsplit(url)
        path = parts.path
        if parts.netloc.lower() != self._netloc or parts.query or parts.fragment:
            return None
        if not (path.startswith(self._prefix) and path.endswith("/did.json")):
            return None
        slug = path[len(self._prefix) : -len("/did.json")]
        return slug if valid_slug(slug) else None


class OwnFirstFetcher:
    """``fetcher(url)``: this platform's DID documents from the database, the rest from
    ``fallback`` (the allow-listed network fetcher) when there is one."""

    def __init__(self, dids: OwnDids, fallback: Fetcher | None) -> None:
        self._dids = dids
        self._fallback = fallback

    def __call__(self, url: str) -> bytes:
        slug = self._dids.slug_of(url)
        if slug is not None:
            document = self._dids.document(slug)
            if document is None:
                raise DocumentLoaderError(f"{url}: this platform has no organisation {slug!r}")
            return json.dumps(document).encode("utf-8")
        if self._fallback is None:
            raise DocumentLoaderError(f"refusing to fetch {url}: fetching is not enabled")
        return self._fallback(url)
