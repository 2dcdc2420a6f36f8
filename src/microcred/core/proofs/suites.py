"""EdDSA cryptosuites of W3C Data Integrity, one method per algorithm step of the spec.

``eddsa-rdfc-2022`` and ``eddsa-jcs-2022`` (Data Integrity EdDSA Cryptosuites v1.0),
the legacy ``Ed25519Signature2020`` (verify; sign only for the test vectors) and the
pre-standard name ``eddsa-2022`` (the same algorithm as ``eddsa-rdfc-2022``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.core import jcs
from microcred.core.errors import ProofError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize


@dataclass(frozen=True)
class Cryptosuite:
    """A Data Integrity cryptosuite: ``proof_type`` + ``name`` select it in a proof."""

    name: str
    proof_type: str = "DataIntegrityProof"
    canonicalization: str = "rdfc"  # or "jcs"
    #: Legacy or pre-standard: verified, with a warning.
    legacy: bool = False
    #: The proof itself carries the document's ``@context`` (as eddsa-jcs-2022 proofs do,
    #: in the specification's vectors and the JavaScript reference).
    proof_carries_context: bool = False

    def transform(self, document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        """Transformation: canonical bytes of the unsecured document."""
        if self.canonicalization == "jcs":
            return jcs.canonicalize(document)
        return canonize(document, loader).encode("utf-8")

    def configure_proof(
        self, options: Mapping[str, Any], document: Mapping[str, Any], loader: DocumentLoader
    ) -> bytes:
        """Proof configuration: the canonical proof options, in the document's context."""
        config = {k: v for k, v in options.items() if k != "proofValue"}
        if "@context" in document:
            config["@context"] = document["@context"]
        else:
            config.pop("@context", None)
        return self.transform(config, loader)

    @staticmethod
    def hash(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
        """Hashing: SHA-256 of the proof configuration, then of the document."""
        return (
            hashlib.sha256(canonical_proof_config).digest()
            + hashlib.sha256(transformed_document).digest()
        )

    def matches(self, proof: Mapping[str, Any]) -> bool:
        if self.proof_type != "DataIntegrityProof":
            return proof.get("type") == self.proof_type
        return proof.get("type") == "DataIntegrityProof" and proof.get("cryptosuite") == self.name


EDDSA_RDFC_2022 = Cryptosuite("eddsa-rdfc-2022")
EDDSA_JCS_2022 = Cryptosuite("eddsa-jcs-2022", canonicalization="jcs", proof_carries_context=True)
EDDSA_2022 = Cryptosuite("eddsa-2022", legacy=True)
ED25519_SIGNATURE_2020 = Cryptosuite(
    "Ed25519Signature2020", proof_type="Ed25519Signature2020", legacy=True
)

#: Suites microcred signs with.
SIGNING_SUITES: dict[str, Cryptosuite] = {
    s.name: s for s in (EDDSA_RDFC_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020)
}
#: Suites microcred verifies.
ALL_SUITES: tuple[Cryptosuite, ...] = (
    EDDSA_RDFC_2022,
    EDDSA_JCS_2022,
    EDDSA_2022,
    ED25519_SIGNATURE_2020,
)


def suite_for(proof: Mapping[str, Any]) -> Cryptosuite:
    """The suite a proof names, or :class:`ProofError` for an unknown one."""
    for suite in ALL_SUITES:
        if suite.matches(proof):
            return suite
    named = proof.get("cryptosuite", proof.get("type"))
    raise ProofError(f"the proof uses the unknown cryptosuite {named!r}")


def signing_suite(name: str) -> Cryptosuite:
    suite = SIGNING_SUITES.get(name)
    if suite is None:
        raise ProofError(
            f"cannot sign with {name!r}; choose one of {', '.join(sorted(SIGNING_SUITES))}"
        )
    return suite
