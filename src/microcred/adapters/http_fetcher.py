"""An HTTPS fetcher restricted to the hosts an operator allows.

The credential core never reaches the network itself; it is handed a ``fetcher(url) ->
bytes``.  This one refuses plain http, hosts not on the allow-list, redirects to other
hosts, bodies over a size limit and slow servers.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Collection
from urllib.parse import urlsplit

from microcred.core.errors import DocumentLoaderError

DEFAULT_MAX_BYTES = 10_000_000
USER_AGENT = "microcred/0.1 (+https://github.com/microcred)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class AllowListFetcher:
    """``fetcher(url) -> bytes`` for https URLs whose host is allowed."""

    def __init__(
        self,
        allowed_hosts: Collection[str],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 10.0,
        allow_http_loopback: bool = False,
    ) -> None:
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._allow_http_loopback = allow_http_loopback
        self._opener = urllib.request.build_opener(_NoRedirect)

    def check(self, url: str) -> None:
        """Raise :class:`DocumentLoaderError` unless ``url`` may be fetched."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        loopback = self._allow_http_loopback and host in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise DocumentLoaderError(f"refusing to fetch {url}: only https URLs are fetched")
        if host not in self.allowed_hosts:
            raise DocumentLoaderError(f"refusing to fetch {url}: {host} is not an allowed host")

    def __call__(self, url: str) -> bytes:
        self.check(url)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*"}
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                body: bytes = response.read(self._max_bytes + 1)
        except OSError as exc:
            raise DocumentLoaderError(f"fetching {url} failed: {exc}") from exc
        if len(body) > self._max_bytes:
            raise DocumentLoaderError(f"{url} is larger than {self._max_bytes:,} bytes")
        return body
