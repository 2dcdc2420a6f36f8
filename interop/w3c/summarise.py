"""Summarise mocha ``--reporter json`` reports: passed/total per suite and failing titles.

``python summarise.py REPORT.json [REPORT.json ...]``; each report's file name (without
``.json``) names its suite.  Failures are printed with the first line of their error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def summary(report: dict[str, Any]) -> tuple[int, int, int, list[tuple[str, str]]]:
    stats = report["stats"]
    failures = [
        (str(test.get("fullTitle", test.get("title"))), _first_line(test.get("err", {})))
        for test in report.get("failures", [])
    ]
    total = int(stats["tests"]) if "tests" in stats else len(report.get("tests", []))
    return int(stats["passes"]), total, int(stats.get("pending", 0)), failures


def _first_line(error: dict[str, Any]) -> str:
    message = str(error.get("message", "")).strip()
    return message.splitlines()[0][:300] if message else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, nargs="+")
    parser.add_argument("--titles", action="store_true", help="list failing tests")
    args = parser.parse_args()
    for path in args.reports:
        passed, total, pending, failures = summary(json.loads(path.read_text()))
        counts = f"{len(failures)} failed, {pending} pending"
        print(f"{path.stem}: {passed} passed of {total} ({counts})")
        if args.titles:
            for title, message in failures:
                print(f"  FAIL {title}\n       {message}")


if __name__ == "__main__":
    main()
