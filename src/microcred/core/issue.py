"""Issuing: validate an unsigned credential and secure it (Data Integrity or VC-JOSE).

Caller mistakes raise (an invalid credential, a key that is not the issuer's, an unknown
suite): issuing never produces a credential that microcred's own verifier would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.core import jose
from microcred.core.documents import validate_document
from microcred.core.errors import DocumentError
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof, signing_suite
from microcred.core.rdf import canonize
from microcred.core.timeutil import utc_now
from microcred.core.verify import issuer_id

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jose")


#: JavaScript verifiers read JSON numbers as doubles: a larger integer would reach them
#: changed, and the signature would not verify there.
MAX_SAFE_INTEGER = 2**53 - 1


def prepare(
    credential: Mapping[str, Any],
    key: Ed25519KeyPair,
    loader: DocumentLoader,
    *,
    check_json_ld: bool = True,
) -> dict[str, Any]:
    """Check an unsigned credential before it is signed; return a copy of it.

    ``check_json_ld=False`` skips the safe-mode JSON-LD check, for callers whose signing
    step canonicalizes in safe mode anyway (``eddsa-rdfc-2022``).
    """
    document = dict(credential)
    _refuse_unsafe_integers(document, "")
    errors = [i for i in validate_document(document) if i.severity == "error"]
    if errors:
        where = "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in errors)
        raise DocumentError(f"the credential is not valid: {where}")
    issuer = issuer_id(document)
    if issuer != key.controller:
        raise DocumentError(
            f"the credential's issuer {issuer!r} does not control the signing key "
            f"(controller {key.controller!r})"
        )
    if check_json_ld:
        canonize({k: v for k, v in document.items() if k != "proof"}, loader)
    return document


def _refuse_unsafe_integers(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_unsafe_integers(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unsafe_integers(item, f"{path}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        raise DocumentError(
            f"{path} is the integer {value}, beyond ±(2**53 - 1): JavaScript verifiers would "
            "read it changed; write it as a string"
        )


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
    document = prepare(credential, key, loader, check_json_ld=suite != "eddsa-rdfc-2022")
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
