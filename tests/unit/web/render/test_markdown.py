from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from microcred.web.render.markdown import render_markdown

REL = 'rel="noopener noreferrer nofollow"'


def test_headings_move_down_below_the_page_headings() -> None:
    html = render_markdown("# Title\n\n## Part\n\n### Detail\n\n#### Deeper")
    assert "<h3>Title</h3>" in html
    assert "<h4>Part</h4>" in html
    assert "<h5>Detail</h5>" in html
    assert "<h6>Deeper</h6>" in html
    assert "<h1" not in html and "<h2" not in html


def test_lists_emphasis_code_and_tables() -> None:
    text = "- one\n- **two**\n\n1. *first*\n\n`code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    html = render_markdown(text)
    assert "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>" in html
    assert "<ol>\n<li><em>first</em></li>\n</ol>" in html
    assert "<code>code</code>" in html
    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html


def test_returns_markup() -> None:
    assert isinstance(render_markdown("hello"), Markup)
    assert render_markdown("hello") == "<p>hello</p>\n"


def test_http_and_mailto_links_keep_href_and_get_rel() -> None:
    html = render_markdown("[site](https://example.org/a?b=1&c=2) [mail](mailto:a@example.org)")
    assert f'<a href="https://example.org/a?b=1&amp;c=2" {REL}>site</a>' in html
    assert f'<a href="mailto:a@example.org" {REL}>mail</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](/relative/path)",
    ],
)
def test_dangerous_links_lose_their_href(text: str) -> None:
    html = render_markdown(text)
    assert html == f"<p><a {REL}>x</a></p>\n"
    assert "javascript:" not in html.lower()
    assert "href" not in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<a href="javascript:alert(1)">x</a>', "<a"),
        ("<div onclick=alert(1)>x</div>", "<div"),
    ],
)
def test_raw_html_is_shown_as_text(text: str, forbidden: str) -> None:
    html = render_markdown(text)
    assert forbidden not in html
    assert "&lt;" in html  # escaped, so the reader sees what was written


def test_no_event_handler_or_script_survives_anywhere() -> None:
    text = "\n\n".join(
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "![y](https://tracker.example/pixel.png)",
            "<javascript:alert(1)>",
        ]
    )
    html = render_markdown(text)
    assert "<script" not in html
    assert not re.search(r"<[^>]*\bon\w+=", html)
    assert "<img" not in html
    assert "href" not in html


def test_images_become_their_alt_text() -> None:
    assert render_markdown("![a <b> picture](https://x.example/p.png)") == (
        "<p>a &lt;b&gt; picture</p>\n"
    )


def test_too_long_text_is_refused_with_a_sentence() -> None:
    with pytest.raises(ValueError, match=r"the text is 21 characters long; the limit is 20"):
        render_markdown("x" * 21, max_chars=20)
    assert render_markdown("x" * 20, max_chars=20) == "<p>" + "x" * 20 + "</p>\n"
