"""Write ``localConfig.cjs`` for the public suites from ``setup_server.py``'s JSON.

``python make_config.py server.json SUITE_DIR [SUITE_DIR ...]`` writes the same file into
each suite checkout: one implementation, "microcred", whose endpoints are the platform's
W3C VC-API routes, authorised with the issuer key.  Three issuer entries share the
organisation's did:web and differ only in the ``options`` sent with each request:
eddsa-rdfc-2022 (tags ``vc2.0``, ``eddsa-rdfc-2022``, ``vc-api``), eddsa-jcs-2022 (tag
``eddsa-jcs-2022``) and eddsa-rdfc-2022 with a ``BitstringStatusListEntry`` that has a
``statusReference`` (tag ``BitstringStatusList``).
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


def implementation(server: dict[str, Any]) -> dict[str, Any]:
    base = str(server["base_url"]).rstrip("/")
    did = str(server["did"])
    headers = {"Authorization": f"Bearer {server['api_key']}"}
    issue = f"{base}/credentials/issue"

    def issuer(tags: list[str], options: dict[str, Any]) -> dict[str, Any]:
        return {"id": did, "endpoint": issue, "tags": tags, "headers": headers, "options": options}

    # statusReference: what the entries point to about the status (the suite only checks
    # that it is a URL or a list of URLs)
    status = {"type": "BitstringStatusListEntry", "statusReference": STATUS_REFERENCE}
    return {
        "name": "microcred",
        "implementation": "microcred (local)",
        "issuers": [
            issuer(["vc2.0", RDFC, "vc-api"], {"cryptosuite": RDFC}),
            issuer([JCS], {"cryptosuite": JCS}),
            issuer(["BitstringStatusList"], {"cryptosuite": RDFC, "credentialStatus": status}),
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
