"""Adding a Data Integrity proof (Data Integrity 1.0 §4.1 Add Proof, §4.2 proof chains)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microcred.core import multibase
from microcred.core.errors import ProofError
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs.suites import SIGNING_SUITES, Cryptosuite, signing_suite, suite_for
from microcred.core.timeutil import format_datetime


@dataclass(frozen=True)
class ProofComputation:
    """Every intermediate value of one proof, as the test vectors publish them."""

    canonical_document: bytes
    canonical_proof_config: bytes
    hash_data: bytes
    signature: bytes
    proof: dict[str, Any]


def proof_options(
    suite: Cryptosuite,
    key: Ed25519KeyPair,
    *,
    created: datetime | None,
    proof_purpose: str,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The proof options, in the member order the specification's examples use."""
    options: dict[str, Any] = {"type": suite.proof_type}
    if suite.proof_type == "DataIntegrityProof":
        options["cryptosuite"] = suite.name
    if created is not None:
        options["created"] = format_datetime(created)
    options["verificationMethod"] = key.id
    options["proofPurpose"] = proof_purpose
    options.update({k: v for k, v in extra.items() if v is not None})
    return options


def _matching_proofs(document: Mapping[str, Any], previous: str | Sequence[str]) -> list[Any]:
    wanted = [previous] if isinstance(previous, str) else list(previous)
    existing = document.get("proof", [])
    existing = existing if isinstance(existing, list) else [existing]
    by_id = {p.get("id"): p for p in existing if isinstance(p, dict)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise ProofError(f"previousProof names proofs the document lacks: {', '.join(missing)}")
    return [by_id[w] for w in wanted]


def compute_proof(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    *,
    loader: DocumentLoader,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    **extra: Any,
) -> ProofComputation:
    """Compute a proof over ``document`` and return every step of it.

    ``extra`` adds proof options: ``id``, ``challenge``, ``domain``, ``nonce``,
    ``expires``, ``previousProof``.
    """
    cryptosuite = signing_suite(suite)
    options = proof_options(
        cryptosuite, key, created=created, proof_purpose=proof_purpose, extra=extra
    )
    return sign_with_options(document, key, options, loader=loader)


def sign_with_options(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    options: Mapping[str, Any],
    *,
    loader: DocumentLoader,
) -> ProofComputation:
    """Compute a proof from complete proof options (their member order is kept)."""
    cryptosuite = suite_for(options)
    if cryptosuite.name not in SIGNING_SUITES:
        raise ProofError(f"microcred does not sign with {cryptosuite.name}")
    if options.get("verificationMethod") != key.id:
        raise ProofError("the proof options name a verification method other than the key's")
    options = dict(options)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if options.get("previousProof") is not None:
        unsecured["proof"] = _matching_proofs(document, options["previousProof"])
    canonical_document = cryptosuite.transform(unsecured, loader)
    canonical_config = cryptosuite.configure_proof(options, unsecured, loader)
    hash_data = cryptosuite.hash(canonical_document, canonical_config)
    signature = key.sign(hash_data)
    if cryptosuite.proof_carries_context and "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    proof = {**options, "proofValue": multibase.encode_base58btc(signature)}
    return ProofComputation(canonical_document, canonical_config, hash_data, signature, proof)


def add_proof(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    *,
    loader: DocumentLoader,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    **extra: Any,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof (a proof set or chain)."""
    computed = compute_proof(
        document,
        key,
        loader=loader,
        suite=suite,
        created=created,
        proof_purpose=proof_purpose,
        **extra,
    )
    secured = dict(document)
    existing = secured.get("proof")
    if existing is None:
        secured["proof"] = computed.proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing])]
        secured["proof"].append(computed.proof)
    return secured
