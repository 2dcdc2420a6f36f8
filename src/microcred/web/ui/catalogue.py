"""The gettext catalogue of the web application.

``python -m microcred.web.ui.catalogue`` extracts every text marked for translation (in
templates: ``_("...")``; in Python: ``N_("...")``) and rewrites the English catalogue,
whose translations are the texts themselves.  A test checks the catalogue is current.
Another language: copy ``locale/en`` to ``locale/<code>`` and translate its ``msgstr``s.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

METHODS = [("**/templates/**.html", "jinja2"), ("**/ui/**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}


def package_dir() -> Path:
    return Path(str(resources.files("microcred.web")))


def extract() -> Catalog:
    """Every marked text of the templates and page modules, with English translations."""
    fixed = datetime(2026, 11, 29, tzinfo=UTC)  # a stable header: the file changes with texts only
    catalog = Catalog(
        locale="en",
        domain="messages",
        project="microcred",
        copyright_holder="the microcred authors",
        creation_date=fixed,
        revision_date=fixed,
        fuzzy=False,
    )
    found = extract_from_dir(
        str(package_dir()), method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
    )
    for filename, lineno, message, _comments, _context in found:
        text = message if isinstance(message, str) else message[0]
        catalog.add(text, string=text, locations=[(filename, lineno)])
    return catalog


def render(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
    return buffer.getvalue()


def catalogue_path(locale: str = "en") -> Path:
    return package_dir() / "locale" / locale / "LC_MESSAGES" / "messages.po"


def main() -> None:
    path = catalogue_path()
    path.write_bytes(render(extract()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
