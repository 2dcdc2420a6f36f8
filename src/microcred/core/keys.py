"""Ed25519 keys as W3C Multikey (``z6Mk…`` public, ``z3u2…``/``zrv…`` secret)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from microcred.core import multibase
from microcred.core.errors import KeyFormatError

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


@dataclass(frozen=True)
class Ed25519PublicKey:
    """An Ed25519 public key (32 bytes)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise KeyFormatError("an Ed25519 public key is 32 bytes")

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        return cls(multibase.decode_multicodec(value, multibase.ED25519_PUB, 32))

    @property
    def multibase(self) -> str:
        return multibase.encode_base58btc(multibase.ED25519_PUB + self.raw)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": multibase.encode_base64url(self.raw)[1:]}


class Ed25519KeyPair:
    """An Ed25519 signing key with its verification-method ``id`` and ``controller``."""

    def __init__(
        self,
        private_key: ed25519.Ed25519PrivateKey,
        *,
        controller: str | None = None,
        key_id: str | None = None,
    ) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = Ed25519PublicKey(raw)
        self.controller = controller or f"did:key:{self.public_key.multibase}"
        self.id = key_id or f"{self.controller}#{self.public_key.multibase}"

    @classmethod
    def generate(
        cls, *, controller: str | None = None, key_id: str | None = None
    ) -> Ed25519KeyPair:
        return cls(ed25519.Ed25519PrivateKey.generate(), controller=controller, key_id=key_id)

    @classmethod
    def from_seed(
        cls, seed: bytes, *, controller: str | None = None, key_id: str | None = None
    ) -> Ed25519KeyPair:
        if len(seed) not in (32, 64):
            raise KeyFormatError("an Ed25519 secret key is a 32-byte seed (or seed + public)")
        pair = cls(
            ed25519.Ed25519PrivateKey.from_private_bytes(seed[:32]),
            controller=controller,
            key_id=key_id,
        )
        if len(seed) == 64 and seed[32:] != pair.public_key.raw:
            raise KeyFormatError("the secret key's public half does not match its seed")
        return pair

    @classmethod
    def from_multikey(cls, data: dict[str, Any]) -> Ed25519KeyPair:
        """Read ``{"publicKeyMultibase", "secretKeyMultibase"|"privateKeyMultibase", ...}``."""
        secret = data.get("secretKeyMultibase") or data.get("privateKeyMultibase")
        if not isinstance(secret, str):
            raise KeyFormatError("the key file has no secretKeyMultibase")
        raw = multibase.decode(secret)
        if not raw.startswith(multibase.ED25519_PRIV):
            raise KeyFormatError("secretKeyMultibase is not an Ed25519 secret key")
        pair = cls.from_seed(raw[2:], controller=data.get("controller"), key_id=data.get("id"))
        public = data.get("publicKeyMultibase")
        if public is not None and public != pair.public_key.multibase:
            raise KeyFormatError("publicKeyMultibase does not match the secret key")
        return pair

    @property
    def seed(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        return self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def to_multikey(self, *, include_secret: bool = False) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": MULTIKEY_CONTEXT,
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.multibase,
        }
        if include_secret:
            document["secretKeyMultibase"] = multibase.encode_base58btc(
                multibase.ED25519_PRIV + self.seed
            )
        return document

    def to_private_jwk(self) -> dict[str, str]:
        return {**self.public_key.to_jwk(), "d": multibase.encode_base64url(self.seed)[1:]}
