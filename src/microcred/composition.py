"""The composition root: builds the verifier and its collaborators from explicit options.

Nothing is constructed at import time; entry points (CLI, later the web server) call these
factories once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from microcred.adapters.http_fetcher import AllowListFetcher
from microcred.core.dids import Resolver
from microcred.core.jsonutil import parse_json
from microcred.core.loader import DocumentLoader, Fetcher
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, verify_credential


@dataclass(frozen=True)
class VerificationSetup:
    verifier: Verifier
    fetcher: Fetcher | None


def build_verification(
    allowed_hosts: Collection[str] = (),
    *,
    fetcher: Fetcher | None = None,
    trusted_issuers: Collection[str] | None = None,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
) -> VerificationSetup:
    """A verifier that is offline unless ``allowed_hosts`` names hosts it may fetch from."""
    if fetcher is None and allowed_hosts:
        fetcher = AllowListFetcher(allowed_hosts)
    hosts = tuple(allowed_hosts)
    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=hosts, accept_ob_validator_context=True)
    resolver = Resolver(documents=documents, fetcher=fetcher, allowed_hosts=hosts)
    base = Verifier(loader=loader, resolver=resolver, trusted_issuers=trusted_issuers)
    if fetcher is None:
        return VerificationSetup(base, None)
    list_fetcher = fetcher

    def fetch_list(url: str) -> Any:
        return parse_json(list_fetcher(url), max_bytes=30_000_000)

    checker = BitstringStatusChecker(
        fetch_list=fetch_list,
        verify_list=lambda doc: verify_credential(doc, verifier=base),
    )
    return VerificationSetup(replace(base, status_checker=checker), fetcher)
