"""Micro-benchmark: canonical N-Quads per second, pyld's ``jsonld.normalize`` against ours.

Run ``python bench/bench_rdf.py`` (``--seconds`` sets the time spent per measurement).
The first rows are ``sample_credential.json`` (the credential of ``bench/run.py``, about
2.7 KB) and a smaller Open Badges 3.0 credential (about 2.2 KB); each proof-options row is
what eddsa-rdfc-2022 canonizes besides the document on every sign and verify.  Both sides
use the same offline loader and warm caches (the first call is not timed).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyld import jsonld

from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "tests" / "vectors"
SAMPLE = HERE / "sample_credential.json"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def alignment(name: str, code: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": f"https://framework.example.org/skills/{name.lower()}",
        "targetFramework": "Example Skills Framework",
        "targetCode": code,
        "targetType": "ceasn:Competency",
    }


def open_badge() -> dict[str, Any]:
    """A realistic OpenBadgeCredential (profile issuer, two alignments, status, evidence)."""
    achievement = {
        "id": "https://example.edu/achievements/teamwork",
        "type": ["Achievement"],
        "name": "Teamwork",
        "description": "Recognises the ability to work well in a team and deliver together.",
        "criteria": {"narrative": "Nominated by peers and confirmed by the course team."},
        "image": {"id": "https://example.edu/achievements/teamwork.png", "type": "Image"},
        "alignment": [alignment("Teamwork", "TW-1"), alignment("Communication", "COM-2")],
    }
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork Badge",
        "description": "Awarded for demonstrating teamwork in the capstone project.",
        "issuer": {
            "id": "https://example.edu/issuers/565049",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.edu",
            "image": {"id": "https://example.edu/logo.png", "type": "Image"},
        },
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2029-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": "https://example.edu/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.edu/status/1",
        },
        "evidence": [
            {
                "id": "https://example.edu/evidence/capstone",
                "type": ["Evidence"],
                "name": "Capstone project report",
                "narrative": "Led a team of five that delivered the capstone on schedule.",
                "genre": "Report",
                "audience": "Faculty",
            }
        ],
    }


def proof_options(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": "https://example.edu/issuers/565049#key-1",
        "proofPurpose": "assertionMethod",
    }


def vector(relative: str) -> dict[str, Any]:
    return dict(json.loads((VECTORS / relative).read_text(encoding="utf-8")))


def rate(function: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``function`` (warmed up first)."""
    function()
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        function()
        calls += 1
        elapsed = time.perf_counter() - start
    return calls / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    loader = DocumentLoader()
    badge = open_badge()
    sample = dict(json.loads(SAMPLE.read_text(encoding="utf-8")))
    cases = [
        ("sample_credential.json", sample),
        ("its proof options", proof_options(sample)),
        ("OpenBadgeCredential (OB 3.0.3)", badge),
        ("its proof options", proof_options(badge)),
        ("vc-di-eddsa unsigned.json", vector("vc-di-eddsa/unsigned.json")),
        ("vc-di-eddsa employmentAuth.json", vector("vc-di-eddsa/employmentAuth.json")),
        ("CLR 2.0 unsigned.json", vector("clr20-spec-test-vector/unsigned.json")),
    ]
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    header = f"{'document':34} {'bytes':>6} {'quads':>5} {'pyld/s':>8} {'ours/s':>8} {'ratio':>6}"
    print(header, f"{'ours µs':>8}", sep="")
    print("-" * (len(header) + 8))
    for name, document in cases:
        ours_text = canonize(document, loader)
        same = ours_text == jsonld.normalize(document, options)
        pyld_rate = rate(functools.partial(jsonld.normalize, document, options), args.seconds)
        ours_rate = rate(functools.partial(canonize, document, loader), args.seconds)
        size = len(json.dumps(document))
        print(
            f"{name:34} {size:6d} {ours_text.count(chr(10)):5d} {pyld_rate:8.0f} "
            f"{ours_rate:8.0f} {ours_rate / pyld_rate:5.1f}x {1e6 / ours_rate:8.0f}"
            + ("" if same else "  (output differs from pyld)")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
