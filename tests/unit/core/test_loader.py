from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from microcred.core.errors import DocumentLoaderError
from microcred.core.loader import (
    OB_303_URL,
    DocumentLoader,
    bundled_context_urls,
    read_context_folder,
)

VC2 = "https://www.w3.org/ns/credentials/v2"


def test_serves_every_bundled_context_offline() -> None:
    loader = DocumentLoader()
    urls = bundled_context_urls()
    assert VC2 in urls and OB_303_URL in urls and len(urls) == 19
    for url in urls:
        assert "@context" in loader.load(url).document


def test_pyld_shape() -> None:
    result = DocumentLoader()(VC2)
    assert result["documentUrl"] == VC2 and result["contextUrl"] is None


def test_published_ob_context_by_default_validator_superset_on_request() -> None:
    published = DocumentLoader().load(OB_303_URL).document["@context"]
    validator = DocumentLoader(accept_ob_validator_context=True).load(OB_303_URL).document
    assert "jti" not in published
    assert "jti" in validator["@context"]


def test_load_copy_is_independent() -> None:
    loader = DocumentLoader()
    copy = loader.load_copy(VC2)
    copy["@context"]["id"] = "changed"
    assert loader.load(VC2).document["@context"]["id"] == "@id"


def test_refuses_unknown_url_without_fetcher() -> None:
    with pytest.raises(DocumentLoaderError, match="not bundled and fetching is not enabled"):
        DocumentLoader().load("https://evil.example/context.jsonld")


def test_refuses_host_not_on_allow_list() -> None:
    fetched: list[str] = []

    def fetcher(url: str) -> bytes:
        fetched.append(url)
        return b"{}"

    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=["good.example"])
    with pytest.raises(DocumentLoaderError, match="not on the allow-list"):
        loader.load("https://evil.example/c.jsonld")
    with pytest.raises(DocumentLoaderError, match="not on the allow-list"):
        loader.load("http://good.example/c.jsonld")
    assert fetched == []


def test_fetches_allowed_host_once() -> None:
    calls: list[str] = []

    def fetcher(url: str) -> bytes:
        calls.append(url)
        return b'{"@context": {"x": "https://x.example/x"}}'

    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=["Good.Example"])
    url = "https://good.example/c.jsonld"
    assert loader.load(url).document["@context"]["x"] == "https://x.example/x"
    assert loader.is_known(url)
    loader.load(url)
    assert calls == [url]


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"not json", "not usable"), (b"{" * 100 + b"}" * 100, "not usable")],
)
def test_refuses_bad_remote_documents(body: bytes, message: str) -> None:
    loader = DocumentLoader(fetcher=lambda url: body, allowed_hosts=["good.example"])
    with pytest.raises(DocumentLoaderError, match=message):
        loader.load("https://good.example/c.jsonld")


def test_fetch_failure_is_a_loader_error() -> None:
    def fetcher(url: str) -> bytes:
        raise ConnectionError("no route")

    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=["good.example"])
    with pytest.raises(DocumentLoaderError, match=r"fetching .* failed: no route"):
        loader.load("https://good.example/c.jsonld")


def test_fetcher_loader_errors_pass_through() -> None:
    def fetcher(url: str) -> bytes:
        raise DocumentLoaderError("refused by the fetcher")

    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=["good.example"])
    with pytest.raises(DocumentLoaderError, match="refused by the fetcher"):
        loader.load("https://good.example/c.jsonld")


def test_extra_documents() -> None:
    loader = DocumentLoader(extra={"https://x.example/c": {"@context": {}}})
    assert loader.load("https://x.example/c").document == {"@context": {}}


def test_a_corrupt_bundled_context_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.jsonld").write_text('{"@context": {}}')
    index = [{"url": "https://x.example/c", "file": "c.jsonld", "sha256": "0" * 64}]
    (tmp_path / "index.json").write_text(json.dumps(index))
    with pytest.raises(DocumentLoaderError, match=r"bundled context c.jsonld is corrupt"):
        read_context_folder(tmp_path)
    index[0]["sha256"] = hashlib.sha256(b'{"@context": {}}').hexdigest()
    (tmp_path / "index.json").write_text(json.dumps(index))
    assert read_context_folder(tmp_path) == {"https://x.example/c": {"@context": {}}}
