"""microcred against the JavaScript reference (@digitalbazaar/vc 7): ``interop/run``.

Signs with each side and verifies with the other (eddsa-rdfc-2022 and eddsa-jcs-2022) and
compares canonical N-Quads with jsonld.js; see ``interop/cross_verify.py``.  Needs node
and npm (the first run installs the pinned npm packages into ``interop/node_modules``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "interop" / "run"

pytestmark = pytest.mark.integration


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are not on PATH: the JavaScript reference cannot run",
)
def test_cross_verification_with_the_javascript_reference() -> None:
    completed = subprocess.run(
        [str(RUN)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env={**os.environ, "PYTHON": sys.executable},
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-20_000:]
    last = completed.stdout.strip().splitlines()[-1]
    assert last.startswith("interop: ") and last.endswith(" passed, 0 failed"), output[-20_000:]
