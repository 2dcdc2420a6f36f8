"""Finding a Unicode TrueType font on this machine, for PDF certificates and PNG badges.

The fonts bundled with Pillow and fpdf2 cover little beyond ASCII or Latin-1, so names
such as "Zoë Ångström" or "Łukasz" need a system font.  A short list of common places is
tried; callers fall back to the bundled fonts when none is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path | None = None


def _pair(folder: str, regular: str, bold: str) -> FontFiles:
    return FontFiles(Path(folder) / regular, Path(folder) / bold)


CANDIDATES: tuple[FontFiles, ...] = (
    _pair("/usr/share/fonts/truetype/dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    _pair("/usr/share/fonts/dejavu-sans-fonts", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    _pair("/usr/share/fonts/TTF", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    _pair("/usr/share/fonts/truetype/noto", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    _pair("/usr/share/fonts/noto", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    _pair(
        "/usr/share/fonts/truetype/liberation",
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
    ),
    _pair(
        "/usr/share/fonts/liberation-sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"
    ),
)


def system_font() -> FontFiles | None:
    """The first of :data:`CANDIDATES` whose regular face exists (bold only if it exists)."""
    for candidate in CANDIDATES:
        if candidate.regular.is_file():
            bold = candidate.bold if candidate.bold and candidate.bold.is_file() else None
            return FontFiles(candidate.regular, bold)
    return None


def given_font(path: Path) -> FontFiles:
    """``path`` as the regular face, or :class:`FileNotFoundError` if it is not a file."""
    if not path.is_file():
        raise FileNotFoundError(f"the font file {path} does not exist")
    return FontFiles(path)
