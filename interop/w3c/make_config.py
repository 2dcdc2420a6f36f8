"""Write ``localConfig.cjs`` for the public suites from ``setup_server.py``'s JSON.

``python make_config.py server.json SUITE_DIR [SUITE_DIR ...]`` writes the same file into
each suite checkout: one implementation, "microcred", whose endpoints are the platform's
W3C VC-API routes, each issuer authorised with its organisation's issuer key.

* the did:web organisation (``did_web``): eddsa-rdfc-2022 (tags ``vc2.0``, ``vc-api``),
  and eddsa-rdfc-2022 with ``BitstringStatusListEntry`` entries that have a
  ``statusReference`` and a ``statusMessage`` (tag ``BitstringStatusList``);
* the did:key organisation (``did_key``): eddsa-rdfc-2022 (tag ``eddsa-rdfc-2022``) and
  eddsa-jcs-2022 (tag ``eddsa-jcs-2022``).  The EdDSA suite resolves a proof's
  ``verificationMethod`` as a did:key only (its ``tests/didResolver.js``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
ALL_TAGS = ["vc2.0", RDFC, JCS, "BitstringStatusList", "vc-api"]
STATUS_REFERENCE = "https://www.w3.org/TR/vc-bitstring-status-list/"
STATUS_MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "status set"},
]


def _headers(organisation: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {organisation['api_key']}"}


def implementation(server: dict[str, Any]) -> dict[str, Any]:
    base = str(server["base_url"]).rstrip("/")
    headers = _headers(server["did_web"])
    issue = f"{base}/credentials/issue"

    def issuer(org: str, tags: list[str], options: dict[str, Any]) -> dict[str, Any]:
        organisation = server[org]
        return {
            "id": str(organisation["did"]),
            "endpoint": issue,
            "tags": tags,
            "headers": _headers(organisation),
            "options": options,
        }

    # statusReference: what the entries point to about the status (the suite only checks
    # that it is a URL or a list of URLs); statusMessage: the two messages of a one-bit
    # entry (statusSize stays 1, left out: an explicit 1 fails the suite's statusSize > 1
    # assertions, which sit in conditions)
    status = {
        "type": "BitstringStatusListEntry",
        "statusReference": STATUS_REFERENCE,
        "statusMessage": STATUS_MESSAGES,
    }
    with_status = {"cryptosuite": RDFC, "credentialStatus": status}
    return {
        "name": "microcred",
        "implementation": "microcred (local)",
        "issuers": [
            issuer("did_web", ["vc2.0", "vc-api"], {"cryptosuite": RDFC}),
            issuer("did_web", ["BitstringStatusList"], with_status),
            issuer("did_key", [RDFC], {"cryptosuite": RDFC}),
            issuer("did_key", [JCS], {"cryptosuite": JCS}),
        ],
        "verifiers": [
            {
                "id": f"{base}/credentials/verify",
                "endpoint": f"{base}/credentials/verify",
                "tags": ALL_TAGS,
                "headers": headers,
            }
        ],
        "vpVerifiers": [
            {
                "id": f"{base}/presentations/verify",
                "endpoint": f"{base}/presentations/verify",
                "tags": ["vc2.0", RDFC, JCS, "vc-api"],
                "headers": headers,
            }
        ],
    }


def render(server: dict[str, Any]) -> str:
    config = {
        "settings": {"enableInteropTests": False, "testAllImplementations": False},
        "implementations": [implementation(server)],
    }
    return (
        "// Written by microcred interop/w3c/make_config.py; holds an API key: do not commit.\n"
        f"module.exports = {json.dumps(config, indent=2)};\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server", type=Path, help="setup_server.py's JSON output")
    parser.add_argument("suites", type=Path, nargs="+", help="suite checkouts")
    args = parser.parse_args()
    text = render(json.loads(args.server.read_text()))
    for suite in args.suites:
        (suite / "localConfig.cjs").write_text(text)
        print(f"wrote {suite / 'localConfig.cjs'}")


if __name__ == "__main__":
    main()
