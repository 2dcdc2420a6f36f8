"""A printable PDF certificate for an awarded credential (A4 landscape, one page).

The certificate shows who earned what from whom and when, the badge image, and a QR code
with the address of the public credential page, where the credential itself can be
verified: the PDF is a convenience for people, not a credential.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from markdown_it import MarkdownIt

from microcred.web.render import fonts

TITLE = "Certificate of achievement"
PAGE_WIDTH, PAGE_HEIGHT = 297.0, 210.0  # A4 landscape, mm
LEFT = 26.0
RIGHT = PAGE_WIDTH - 26.0
BADGE_TOP, BADGE_SIZE = 52.0, 58.0
QR_SIZE = 36.0
QR_TOP = 136.0
TEXT_BOTTOM = 132.0  # the body stops above the QR code
MAX_DESCRIPTION = 600
INK = (33, 37, 41)
MUTED = (88, 96, 108)
ACCENT = (31, 58, 95)
ALERT = (180, 35, 24)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
ELLIPSIS = "…"
#: Typographic punctuation outside Latin-1, as plain ASCII for the core font.
_PUNCTUATION = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
     "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2022": "*"}
)  # fmt: skip
#: Points to millimetres, for line heights.
PT = 25.4 / 72


@dataclass(frozen=True)
class CertificateFacts:
    recipient: str | None
    achievement: str
    issuer: str
    description: str
    issued: date
    valid_until: date | None
    url: str  # the public credential page, also encoded in the QR code
    credential_id: str
    badge_png: bytes | None = None
    status: str | None = None  # e.g. "Revoked", printed prominently when set


def certificate_pdf(facts: CertificateFacts, *, font_path: Path | None = None) -> bytes:
    """The certificate as PDF bytes.

    Text is set in ``font_path`` if given (it must exist), else in the first system font
    of :data:`fonts.CANDIDATES` found, else in the PDF core font Helvetica.
    """
    files = fonts.given_font(font_path) if font_path is not None else fonts.system_font()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    _metadata(pdf, facts)
    pdf.add_page()
    pen = _Pen(pdf, files)
    _frame(pdf)
    _heading(pen, facts.status)
    left = LEFT
    if facts.badge_png is not None:
        pdf.image(
            facts.badge_png, x=LEFT, y=BADGE_TOP, w=BADGE_SIZE, h=BADGE_SIZE, alt_text="Badge"
        )
        left = LEFT + BADGE_SIZE + 12
    _body(pen, facts, left)
    _verification(pen, facts)
    return bytes(pdf.output())


class _Pen:
    """Writes text in the chosen font, replacing characters the font cannot draw."""

    def __init__(self, pdf: Any, files: fonts.FontFiles | None) -> None:
        self.pdf = pdf
        self.core = files is None
        self.family = "helvetica"
        self.has_bold = True
        if files is not None:
            self.family = "body"
            pdf.add_font(self.family, "", str(files.regular))
            self.has_bold = files.bold is not None
            if files.bold is not None:
                pdf.add_font(self.family, "B", str(files.bold))

    def use(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.family, "B" if bold and self.has_bold else "", size)
        self.pdf.set_text_color(*colour)

    def fit(self, text: str) -> str:
        """``text`` as the current font can draw it: anything else becomes "?"."""
        text = unicodedata.normalize("NFC", " ".join(text.split()))
        if self.core:
            return "".join(_latin1(c) for c in text)
        # A TrueType font would silently leave out the glyphs it lacks (a name would lose
        # letters without a trace); a visible "?" says something is missing.
        cmap = self.pdf.current_font.cmap
        return "".join(c if ord(c) in cmap else "?" for c in text)

    def line(self, x: float, y: float, width: float, text: str, align: str = "L") -> None:
        """One line of text at ``y`` (its top), shortened with "…" to fit ``width``."""
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, self.height(), self.clip(text, width), align=align)

    def lines(self, x: float, y: float, width: float, text: str, most: int) -> float:
        """``text`` wrapped to ``width`` in at most ``most`` lines; the ``y`` below them."""
        wrapped = self.pdf.multi_cell(
            width, self.height(), self.fit(text), dry_run=True, output="LINES"
        )
        shown = [str(line) for line in wrapped[:most]]
        if len(wrapped) > most:
            shown[-1] = self.shorten(shown[-1], width)
        for line in shown:
            self.line(x, y, width, line)
            y += self.height()
        return y

    def clip(self, text: str, width: float) -> str:
        """``text``, shortened with "…" only if it is wider than ``width``."""
        text = self.fit(text)
        return text if self._width(text) <= width else self.shorten(text, width)

    def shorten(self, text: str, width: float) -> str:
        """``text`` ending in "…", cut to fit ``width``."""
        text = self.fit(text)
        while text and self._width(text.rstrip() + ELLIPSIS) > width:
            text = text[:-1]
        return self.fit(text.rstrip() + ELLIPSIS)

    def _width(self, text: str) -> float:
        return float(self.pdf.get_string_width(self.fit(text)))

    def height(self) -> float:
        return float(self.pdf.font_size_pt) * PT * 1.35


def _latin1(character: str) -> str:
    # The core fonts are not embedded and only know Latin-1 (fpdf2 raises on anything
    # else).  Typographic punctuation and compatibility forms ("…", "ﬁ") have Latin-1
    # equivalents; only characters without one become "?".
    if ord(character) < 256:
        return character
    folded = unicodedata.normalize("NFKC", character.translate(_PUNCTUATION))
    return folded if all(ord(c) < 256 for c in folded) else "?"


def _metadata(pdf: Any, facts: CertificateFacts) -> None:
    pdf.set_title(f"{TITLE}: {facts.achievement}")
    pdf.set_author(facts.issuer)
    subject = facts.achievement
    if facts.recipient:
        subject += f", awarded to {facts.recipient}"
    pdf.set_subject(subject)
    pdf.set_creator("microcred")
    pdf.set_lang("en")
    # The creation date (also part of the PDF's file identifier) comes from the award, so
    # the same facts give the same file.
    pdf.set_creation_date(datetime.combine(facts.issued, time(), tzinfo=UTC))


def _frame(pdf: Any) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, PAGE_WIDTH - 20, PAGE_HEIGHT - 20)
    pdf.set_line_width(0.25)
    pdf.rect(13, 13, PAGE_WIDTH - 26, PAGE_HEIGHT - 26)


def _heading(pen: _Pen, status: str | None) -> None:
    pen.use(26, bold=True, colour=ACCENT)
    pen.line(LEFT, 22, RIGHT - LEFT, TITLE, align="C")
    if not status:
        return
    pen.use(16, bold=True, colour=ALERT)
    text = pen.clip(status, 120)
    width = pen.pdf.get_string_width(text) + 12
    pen.pdf.set_draw_color(*ALERT)
    pen.pdf.set_line_width(0.6)
    pen.pdf.set_xy((PAGE_WIDTH - width) / 2, 36)
    pen.pdf.cell(width, 10, text, border=1, align="C")


def _body(pen: _Pen, facts: CertificateFacts, left: float) -> None:
    width = RIGHT - left
    y = 54.0
    if facts.recipient:
        y = _said(pen, left, y, width, "This certifies that")
        pen.use(22, bold=True)
        pen.line(left, y, width, facts.recipient)
        y = _said(pen, left, y + 12, width, "has achieved")
    else:
        y = _said(pen, left, y, width, "This certifies the achievement")
    pen.use(18, bold=True, colour=ACCENT)
    y = pen.lines(left, y, width, facts.achievement, most=2) + 2
    pen.use(12)
    pen.line(left, y, width, f"Issued by {facts.issuer}")
    pen.use(11, colour=MUTED)
    pen.line(left, y + 7, width, _dates(facts))
    pen.use(10, colour=MUTED)
    y += 16
    room = int((TEXT_BOTTOM - y) // pen.height())
    if room > 0:
        pen.lines(left, y, width, _plain(facts.description), most=room)


def _said(pen: _Pen, x: float, y: float, width: float, text: str) -> float:
    pen.use(11, colour=MUTED)
    pen.line(x, y, width, text)
    return y + 7


def _dates(facts: CertificateFacts) -> str:
    text = f"Issued on {_date(facts.issued)}"
    if facts.valid_until is not None:
        text += f"   ·   Valid until {_date(facts.valid_until)}"
    return text


def _date(day: date) -> str:
    # Month names from a table, not strftime("%B"), which follows the process locale.
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _plain(markdown: str) -> str:
    """The words of a Markdown description, without its markup, trimmed."""
    words: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type in ("code_block", "fence"):
            words.append(token.content)
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")
    text = " ".join("".join(words).split())
    if len(text) <= MAX_DESCRIPTION:
        return text
    return text[: MAX_DESCRIPTION - 1].rstrip() + ELLIPSIS


def _verification(pen: _Pen, facts: CertificateFacts) -> None:
    qr = segno.make_qr(facts.url, error="m")  # never a Micro QR, which phones rarely read
    image = BytesIO()
    qr.save(image, kind="png", scale=8, border=4)
    x = RIGHT - QR_SIZE
    pen.pdf.image(image.getvalue(), x=x, y=QR_TOP, w=QR_SIZE, h=QR_SIZE, link=facts.url)
    _use_url_size(pen, facts.url)
    pen.pdf.set_xy(RIGHT - 160, QR_TOP + QR_SIZE + 1)
    pen.pdf.cell(160, 4, pen.fit(facts.url), align="R", link=facts.url)
    pen.use(8, colour=MUTED)
    pen.line(LEFT, 176, 150, "Scan the code or open the address to verify this credential.")
    pen.line(LEFT, 181, 150, f"Credential ID: {facts.credential_id}")


def _use_url_size(pen: _Pen, url: str) -> None:
    """Use the largest type size, from 7 pt down to 4 pt, that puts ``url`` on one line."""
    size = 7.0
    pen.use(size, colour=MUTED)
    while size > 4 and pen.pdf.get_string_width(pen.fit(url)) > 160:
        size -= 0.5
        pen.use(size, colour=MUTED)
