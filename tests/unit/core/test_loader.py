from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import microcred.core
from microcred.core.errors import DocumentLoaderError
from microcred.core.loader import (
    OB_303_URL,
    DocumentLoader,
    bundled_context_urls,
    read_context_folder,
)

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V1 = "https://www.w3.org/2018/credentials/examples/v1"
ODRL = "https://www.w3.org/ns/odrl.jsonld"
CONTEXTS = Path(microcred.core.__file__).parent / "contexts"


def test_serves_every_bundled_context_offline() -> None:
    loader = DocumentLoader()
    urls = bundled_context_urls()
    assert VC2 in urls and OB_303_URL in urls and len(urls) == 20
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


def _write_context_folder(folder: Path, index: list[str], extra: list[str] | None) -> None:
    """A folder with one context per URL; ``extra`` URLs go into ``index-extra.json``."""

    def entries(urls: list[str]) -> list[dict[str, str]]:
        listed = []
        for number, url in enumerate(urls):
            body = json.dumps({"@context": {"n": f"https://x.example/{number}"}}).encode()
            name = f"{url.rsplit('/', 1)[-1]}.jsonld"
            (folder / name).write_bytes(body)
            listed.append({"url": url, "file": name, "sha256": hashlib.sha256(body).hexdigest()})
        return listed

    (folder / "index.json").write_text(json.dumps(entries(index)))
    if extra is not None:
        (folder / "index-extra.json").write_text(json.dumps(entries(extra)))


def test_the_extra_index_adds_contexts(tmp_path: Path) -> None:
    _write_context_folder(tmp_path, ["https://x.example/a"], ["https://x.example/b"])
    assert set(read_context_folder(tmp_path)) == {"https://x.example/a", "https://x.example/b"}


def test_the_extra_index_is_optional(tmp_path: Path) -> None:
    _write_context_folder(tmp_path, ["https://x.example/a"], None)
    assert set(read_context_folder(tmp_path)) == {"https://x.example/a"}


def test_the_extra_index_is_checked_too(tmp_path: Path) -> None:
    _write_context_folder(tmp_path, ["https://x.example/a"], ["https://x.example/b"])
    (tmp_path / "b.jsonld").write_text('{"@context": {"n": "https://x.example/changed"}}')
    with pytest.raises(DocumentLoaderError, match=r"bundled context b.jsonld is corrupt"):
        read_context_folder(tmp_path)


def test_the_extra_index_may_not_replace_a_listed_context(tmp_path: Path) -> None:
    _write_context_folder(tmp_path, ["https://x.example/a"], ["https://x.example/a"])
    with pytest.raises(DocumentLoaderError, match="already lists"):
        read_context_folder(tmp_path)


def test_the_odrl_context_is_bundled_through_the_extra_index() -> None:
    folder = Path(__file__).parents[3] / "src" / "microcred" / "core" / "contexts"
    extra = json.loads((folder / "index-extra.json").read_text())
    assert [entry["url"] for entry in extra] == [ODRL]
    copied = {entry["url"] for entry in json.loads((folder / "index.json").read_text())}
    assert ODRL not in copied
    assert ODRL in bundled_context_urls()
    odrl = DocumentLoader().load(ODRL).document["@context"]
    assert odrl["odrl"] == "http://www.w3.org/ns/odrl/2/"


def test_a_vc_1_1_credential_with_the_examples_context_canonizes_offline() -> None:
    from microcred.core.rdf import canonize

    credential = {
        "@context": [VC1, EXAMPLES_V1],
        "id": "urn:uuid:8f1f9b52-6b93-4bb1-8c3b-0a1e3b0f3a10",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "issuanceDate": "2020-01-01T19:23:24Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "alumniOf": "Example University",
        },
    }

    def refuse(url: str) -> bytes:
        raise AssertionError(f"fetched {url}")

    nquads = canonize(credential, DocumentLoader(fetcher=refuse, allowed_hosts=["www.w3.org"]))
    assert "<https://example.org/examples#AlumniCredential>" in nquads
    assert '<http://schema.org/alumniOf> "Example University"' in nquads
    assert canonize(credential, DocumentLoader()) == nquads


def test_load_bytes_gives_a_bundled_context_exactly_as_shipped() -> None:
    loader = DocumentLoader()
    raw = loader.load_bytes(VC2)
    assert json.loads(raw) == loader.load(VC2).document
    index = json.loads((CONTEXTS / "index.json").read_bytes())
    assert {e["url"]: e["sha256"] for e in index}[VC2] == hashlib.sha256(raw).hexdigest()


def test_load_bytes_follows_the_ob_context_variant() -> None:
    published = DocumentLoader().load_bytes(OB_303_URL)
    validator = DocumentLoader(accept_ob_validator_context=True).load_bytes(OB_303_URL)
    assert published != validator and b"jti" in validator


def test_load_bytes_of_an_extra_document_is_refused() -> None:
    loader = DocumentLoader(extra={VC2: {"@context": {}}})
    with pytest.raises(DocumentLoaderError, match="given as parsed JSON"):
        loader.load_bytes(VC2)


def test_load_bytes_fetches_once_under_the_allow_list_and_shares_with_load() -> None:
    calls: list[str] = []
    body = b'{"@context": {"x": "https://x.example/x"}}'

    def fetcher(url: str) -> bytes:
        calls.append(url)
        return body

    loader = DocumentLoader(fetcher=fetcher, allowed_hosts=["good.example"])
    url = "https://good.example/c.jsonld"
    assert loader.load(url).document["@context"]["x"] == "https://x.example/x"
    assert loader.load_bytes(url) == body and calls == [url]
    other = "https://good.example/image.png"
    assert loader.load_bytes(other) == body and loader.load_bytes(other) == body
    assert calls == [url, other]
    with pytest.raises(DocumentLoaderError, match="not on the allow-list"):
        loader.load_bytes("https://evil.example/c.jsonld")
