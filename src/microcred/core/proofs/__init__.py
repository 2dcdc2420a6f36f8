"""Create and verify Data Integrity proofs, including proof sets and proof chains."""

from microcred.core.proofs.create import (
    ProofComputation,
    add_proof,
    compute_proof,
    sign_with_options,
)
from microcred.core.proofs.suites import (
    ALL_SUITES,
    ED25519_SIGNATURE_2020,
    EDDSA_2022,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    SIGNING_SUITES,
    Cryptosuite,
    signing_suite,
    suite_for,
)
from microcred.core.proofs.verify import ProofExpectations, verify_proofs

__all__ = [
    "ALL_SUITES",
    "ED25519_SIGNATURE_2020",
    "EDDSA_2022",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "SIGNING_SUITES",
    "Cryptosuite",
    "ProofComputation",
    "ProofExpectations",
    "add_proof",
    "compute_proof",
    "sign_with_options",
    "signing_suite",
    "suite_for",
    "verify_proofs",
]
