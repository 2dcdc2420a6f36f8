"""Issuing: validate an unsigned credential and secure it (Data Integrity or VC-JOSE).

Caller mistakes raise (an invalid credential, a key that is not the issuer's, an unknown
suite): issuing never produces a credential that microcred's own verifier would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.core import jose
from microcred.core.documents import validate_credential
from microcred.core.errors import DocumentError
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof, signing_suite
from microcred.core.rdf import canonize
from microcred.core.timeutil import utc_now
from microcred.core.verify import issuer_id

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jose")


def prepare(
    credential: Mapping[str, Any], key: Ed25519KeyPair, loader: DocumentLoader
) -> dict[str, Any]:
    """Check an unsigned credential before it is signed; return a copy of it."""
    document = dict(credential)
    errors = [i for i in validate_credential(document) if i.severity == "error"]
    if errors:
        where = "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in errors)
        raise DocumentError(f"the credential is not valid: {where}")
    issuer = issuer_id(document)
    if issuer != key.controller:
        raise DocumentError(
            f"the credential's issuer {issuer!r} does not control the signing key "
            f"(controller {key.controller!r})"
        )
    canonize({k: v for k, v in document.items() if k != "proof"}, loader)
    return document


def issue(
    credential: Mapping[str, Any],
    *,
    key: Ed25519KeyPair,
    suite: str = "eddsa-rdfc-2022",
    loader: DocumentLoader | None = None,
    now: datetime | None = None,
    **proof_options: Any,
) -> dict[str, Any]:
    """Secure a credential with a Data Integrity proof and return the signed document.

    ``proof_options`` are added to the proof (``id``, ``previousProof``, ``expires``...).
    """
    loader = loader or DocumentLoader()
    signing_suite(suite)
    document = prepare(credential, key, loader)
    return add_proof(
        document, key, loader=loader, suite=suite, created=now or utc_now(), **proof_options
    )


def issue_jwt(
    credential: Mapping[str, Any],
    *,
    key: Ed25519KeyPair,
    loader: DocumentLoader | None = None,
) -> str:
    """Secure a credential as a VC-JOSE compact JWS (``application/vc+jwt``)."""
    document = prepare(credential, key, loader or DocumentLoader())
    return jose.sign_jwt(document, key)
