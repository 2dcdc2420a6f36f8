"""Exception tree of the credential core.

Caller mistakes (a wrong argument, a key that cannot sign) raise these.  An *invalid
credential* is never an exception at the public verification surface: it is a report with
failing checks.  Internally the verifier catches these errors and turns them into checks.
"""

from __future__ import annotations


class MicrocredError(Exception):
    """Base class of every error the core raises on purpose."""

    #: A problem code (VC Data Model / Data Integrity / Bitstring Status List) if one fits.
    problem: str | None = None


class InputError(MicrocredError):
    """Untrusted input is malformed: too large, too deep, not UTF-8, not JSON."""

    problem = "PARSING_ERROR"


class DocumentLoaderError(MicrocredError):
    """A JSON-LD context or document could not be loaded, or was not allowed."""

    problem = "PARSING_ERROR"


class CanonicalizationError(MicrocredError):
    """JSON-LD processing failed (e.g. a term or type that no context defines)."""

    problem = "MALFORMED_VALUE_ERROR"


class KeyFormatError(MicrocredError):
    """A key or multibase value is not what it claims to be."""

    problem = "INVALID_VERIFICATION_METHOD"


class ResolutionError(MicrocredError):
    """A DID or verification method could not be resolved."""

    problem = "INVALID_VERIFICATION_METHOD"


class ProofError(MicrocredError):
    """A proof cannot be created or is structurally unusable."""

    problem = "PROOF_VERIFICATION_ERROR"


class DocumentError(MicrocredError):
    """A credential or presentation breaks a data-model rule."""

    problem = "MALFORMED_VALUE_ERROR"


class StatusListError(MicrocredError):
    """A status list or status entry is malformed, or cannot be retrieved."""

    problem = "STATUS_VERIFICATION_ERROR"


class BakingError(MicrocredError):
    """An image could not be baked, or holds no credential."""

    problem = "PARSING_ERROR"
