"""Signing keys encrypted at rest with AES-256-GCM.

The vault key comes from ``MICROCRED_SECRET_KEY`` (any string, stretched with HKDF) or,
without it, from a random key file in the data directory that only its owner can read.
Each sealed value is bound to its context (the key's organisation and id) as associated
data, so a sealed seed copied to another row does not open.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"


class VaultError(Exception):
    """A sealed value could not be opened (wrong vault key, or tampered)."""


class AesGcmVault:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the vault key is 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_secret(cls, secret: str) -> AesGcmVault:
        derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"microcred vault")
        return cls(derive.derive(secret.encode("utf-8")))

    @classmethod
    def from_key_file(cls, path: Path) -> AesGcmVault:
        """Read the key file, creating it (mode 0600) on first use."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        return cls(path.read_bytes())

    def seal(self, secret: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return VERSION + nonce + self._aead.encrypt(nonce, secret, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if not sealed.startswith(VERSION) or len(sealed) < 29:
            raise VaultError("not a sealed value of this vault")
        try:
            return self._aead.decrypt(sealed[1:13], sealed[13:], context)
        except InvalidTag as exc:
            raise VaultError("the sealed value does not open with this vault key") from exc
