"""``microcred demo``: sign a sample Open Badge three ways, verify it, tamper with it."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from microcred.cli.render import print_report
from microcred.core.documents import hash_identity
from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.verify import Verifier, verify_credential

OB_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def sample_credential(issuer: str, now: datetime) -> dict[str, Any]:
    """A realistic unsigned OpenBadgeCredential."""
    return {
        "@context": OB_CONTEXTS,
        "id": "urn:uuid:2f6b8a4e-1c1a-4c55-9a5e-6f1c5d1e2a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis with Python",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Demo Academy"},
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (now + timedelta(days=730)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [hash_identity("learner@example.org").to_json()],
            "achievement": {
                "id": "https://demo.example/achievements/data-analysis-python",
                "type": ["Achievement"],
                "name": "Data Analysis with Python",
                "description": "Cleans, explores and visualises tabular data with pandas.",
                "criteria": {"narrative": "Passed a proctored practical assessment (70%+)."},
            },
        },
    }


def run(console: Console, out: Path | None) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    key = Ed25519KeyPair.generate()
    unsigned = sample_credential(key.controller, now)
    verifier = Verifier()
    console.rule("microcred demo: one Open Badge, three ways to sign it")
    signed = {
        "eddsa-rdfc-2022": issue(unsigned, key=key, suite="eddsa-rdfc-2022", now=now),
        "eddsa-jcs-2022": issue(unsigned, key=key, suite="eddsa-jcs-2022", now=now),
    }
    for suite, document in signed.items():
        print_report(
            console, f"signed with {suite}", verify_credential(document, verifier=verifier)
        )
    token = issue_jwt(unsigned, key=key)
    print_report(console, "signed as VC-JOSE (vc+jwt)", verify_credential(token, verifier=verifier))
    tampered = copy.deepcopy(signed["eddsa-rdfc-2022"])
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced Data Science"
    console.rule("after changing the achievement's name")
    print_report(console, "tampered credential", verify_credential(tampered, verifier=verifier))
    if out is not None:
        _write(out, signed["eddsa-rdfc-2022"], token, key)
        console.print(f"Wrote the demo credential and key to {out}/")


def _write(out: Path, credential: dict[str, Any], token: str, key: Ed25519KeyPair) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "credential.json").write_text(json.dumps(credential, indent=2) + "\n")
    (out / "credential.jwt").write_text(token + "\n")
    (out / "issuer-key.json").write_text(json.dumps(key.to_multikey(), indent=2) + "\n")
