"""Markdown (CommonMark) to HTML that is safe to put in a page.

Two layers: markdown-it renders with raw HTML off, so any HTML in the text comes out as
escaped text; then nh3 (ammonia) keeps only an allow-list of tags and attributes and only
``http``, ``https`` and ``mailto`` link targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

MAX_CHARS = 20_000
TAGS = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
#: Headings in a description sit under the page's own h1/h2, so levels move down by two.
HEADING_SHIFT = 2


def render_markdown(text: str, *, max_chars: int = MAX_CHARS) -> Markup:
    """``text`` (CommonMark, with tables) as sanitised HTML, ready for a template.

    Links to anything but ``http``, ``https`` or ``mailto`` keep their text but lose their
    ``href``; every link gets ``rel="noopener noreferrer nofollow"``.
    """
    if len(text) > max_chars:
        raise ValueError(f"the text is {len(text):,} characters long; the limit is {max_chars:,}")
    html = _parser().render(text)
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has just cleaned it


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # markdown-it refuses some link targets (javascript:, data:, ...) by leaving the
        # whole "[text](target)" as literal text.  Accepting every target here means such a
        # link becomes an <a> whose href nh3 then strips: one place decides which URLs are
        # allowed, and the reader sees the link text instead of the raw attack string.
        return True


@cache
def _parser() -> MarkdownIt:
    parser = _Parser("commonmark", {"html": False}).enable("table")
    parser.core.ruler.push("shift_headings", _shift_headings)
    parser.add_render_rule("image", _image_as_text)
    return parser


def _image_as_text(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    # Pictures from anywhere would let a description load third-party content (and track
    # readers), so an image is shown as its alt text only.
    return escapeHtml(renderer.renderInlineAsText(tokens[idx].children, options, env))


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1:])
            token.tag = f"h{min(6, level + HEADING_SHIFT)}"
