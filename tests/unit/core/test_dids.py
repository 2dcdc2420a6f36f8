from __future__ import annotations

import json

import pytest

from microcred.core.dids import Resolver, did_key_document, did_web_url
from microcred.core.errors import ResolutionError
from microcred.core.keys import Ed25519KeyPair


def test_did_key_document_offline() -> None:
    key = Ed25519KeyPair.generate()
    document = did_key_document(key.public_key.multibase)
    assert document["id"] == key.controller
    assert document["assertionMethod"] == [key.id]
    assert "keyAgreement" not in document  # an Ed25519 key is no X25519 key
    method = Resolver().resolve(key.id)
    assert method.public_key == key.public_key
    assert {"assertionMethod", "authentication"} <= method.purposes


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:issuers:42", "https://example.com/issuers/42/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:", "did:key:abc", "did:web:a%2Fb"])
def test_bad_did_web(did: str) -> None:
    with pytest.raises(ResolutionError):
        did_web_url(did)


def _did_web_document(key: Ed25519KeyPair, did: str) -> dict[str, object]:
    vm = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key.multibase,
            }
        ],
        "assertionMethod": ["#key-1"],
        "authentication": [vm],
    }


def test_did_web_through_allowed_fetcher() -> None:
    did = "did:web:issuer.example"
    key = Ed25519KeyPair.generate(controller=did, key_id=f"{did}#key-1")
    body = json.dumps(_did_web_document(key, did)).encode()
    seen: list[str] = []

    def fetcher(url: str) -> bytes:
        seen.append(url)
        return body

    resolver = Resolver(fetcher=fetcher, allowed_hosts=["issuer.example"])
    method = resolver.resolve(key.id)
    assert method.controller == did and method.public_key == key.public_key
    assert method.purposes == {"assertionMethod", "authentication"}
    assert seen == ["https://issuer.example/.well-known/did.json"]


def test_did_web_refused_without_allow_list() -> None:
    with pytest.raises(ResolutionError, match="not allowed"):
        Resolver(fetcher=lambda url: b"{}").resolve("did:web:issuer.example#key-1")


def test_known_documents_need_no_fetch() -> None:
    did = "did:web:issuer.example"
    key = Ed25519KeyPair.generate(controller=did, key_id=f"{did}#key-1")
    resolver = Resolver(documents={did: _did_web_document(key, did)})
    assert resolver.resolve(key.id).public_key == key.public_key
    with pytest.raises(ResolutionError, match="no verification method"):
        resolver.resolve(f"{did}#key-2")


def test_one_edtech_url_convention() -> None:
    key = Ed25519KeyPair.generate()
    vm = f"https://example.edu/issuers/1#{key.public_key.multibase}"
    method = Resolver().resolve(vm)
    assert method.from_url_convention and method.controller == "https://example.edu/issuers/1"
    with pytest.raises(ResolutionError, match="not an Ed25519 Multikey"):
        Resolver().resolve("https://example.edu/issuers/1#z6MkNOTAKEY")


def test_https_controller_document() -> None:
    key = Ed25519KeyPair.generate()
    url = "https://issuer.example/keys"
    document = {
        "id": url,
        "verificationMethod": [
            {
                "id": f"{url}#k",
                "type": "Ed25519VerificationKey2020",
                "controller": url,
                "publicKeyMultibase": key.public_key.multibase,
            }
        ],
        "assertionMethod": [f"{url}#k"],
    }
    resolver = Resolver(
        fetcher=lambda u: json.dumps(document).encode(), allowed_hosts=["issuer.example"]
    )
    assert resolver.resolve(f"{url}#k").purposes == {"assertionMethod"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"id": "https://other.example/"}, "has id"),
        (
            {"id": "https://i.example/k", "verificationMethod": [{"id": "#k", "type": "Multikey"}]},
            "names no controller",
        ),
        (
            {
                "id": "https://i.example/k",
                "verificationMethod": [
                    {"id": "#k", "type": "RsaKey", "controller": "https://i.example/k"}
                ],
            },
            "unsupported type",
        ),
        (
            {
                "id": "https://i.example/k",
                "verificationMethod": [
                    {
                        "id": "#k",
                        "type": "JsonWebKey",
                        "controller": "https://i.example/k",
                        "publicKeyJwk": {"kty": "OKP", "d": "secret"},
                    }
                ],
            },
            "exposes a private key",
        ),
        (
            {
                "id": "https://i.example/k",
                "verificationMethod": [
                    {"id": "#k", "type": "Multikey", "controller": "x", "publicKeyMultibase": "zz"}
                ],
            },
            "not an Ed25519 Multikey",
        ),
    ],
)
def test_bad_controller_documents(document: dict[str, object], message: str) -> None:
    resolver = Resolver(documents={"https://i.example/k": document})
    with pytest.raises(ResolutionError, match=message):
        resolver.resolve("https://i.example/k#k")


def test_json_web_key_methods() -> None:
    jwk = {"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}
    document = {
        "id": "did:web:i.example",
        "verificationMethod": [
            {
                "id": "#k",
                "type": "JsonWebKey",
                "controller": "did:web:i.example",
                "publicKeyJwk": jwk,
            }
        ],
        "assertionMethod": [{"id": "#k"}],
    }
    method = Resolver(documents={"did:web:i.example": document}).resolve("did:web:i.example#k")
    assert method.jwk == jwk and method.public_key is None
    assert method.purposes == {"assertionMethod"}


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"[]", "not a JSON object"), (b"nope", "not usable")],
)
def test_bad_fetched_documents(body: bytes, message: str) -> None:
    resolver = Resolver(fetcher=lambda url: body, allowed_hosts=["i.example"])
    with pytest.raises(ResolutionError, match=message):
        resolver.resolve("did:web:i.example#k")


def test_fetch_errors_and_unsupported_methods() -> None:
    def broken(url: str) -> bytes:
        raise TimeoutError("slow")

    with pytest.raises(ResolutionError, match="failed: slow"):
        Resolver(fetcher=broken, allowed_hosts=["i.example"]).resolve("did:web:i.example#k")
    with pytest.raises(ResolutionError, match="only did:key, did:web and https"):
        Resolver().resolve("did:example:123#k")
    with pytest.raises(ResolutionError, match="not a URL string"):
        Resolver().resolve("")
    with pytest.raises(ResolutionError, match="only https"):
        Resolver(fetcher=lambda u: b"{}", allowed_hosts=["i.example"]).resolve(
            "http://i.example/k#k"
        )


def test_method_document_itself() -> None:
    key = Ed25519KeyPair.generate(controller="https://i.example/issuer")
    method_url = "https://i.example/keys/1"
    document = {
        "id": method_url,
        "type": "Multikey",
        "controller": "https://i.example/issuer",
        "publicKeyMultibase": key.public_key.multibase,
    }
    method = Resolver(documents={method_url: document}).resolve(method_url)
    assert method.public_key == key.public_key and method.purposes == frozenset()
