"""Markdown from teachers: neutralised on save, rendered without raw HTML."""

from __future__ import annotations

import pytest

from lms_app.core.markdown import neutralise, unsafe_url

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT src=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](java&#115;cript:alert(1))",
    "[click](java%73cript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](javascript:alert(1))",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<div onclick=alert(1)>x</div>",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_attacks_are_neutralised(text):
    out, changed = neutralise("Intro. " + text + " Outro.")
    assert changed
    low = out.lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "vbscript:", "data:text", "<iframe",
                "&#115;", "%73cript", "&#x6a;"):
        assert bad not in low, (text, out)
    assert out.startswith("Intro.") and out.endswith("Outro.")


@pytest.mark.parametrize("text", [
    "# Title\n\nSome **bold** and [a link](https://example.com) and [mail](mailto:a@b.c).",
    "Inline `<script>` code stays as text.",
    "```html\n<script>alert('shown as code')</script>\n```",
    "Maths: 1 < 2 and 3 > 2.",
    "[relative](/courses/python) and [anchor](#part-2)",
])
def test_ordinary_markdown_is_kept_exactly(text):
    assert neutralise(text) == (text, False)


def test_unsafe_url():
    assert unsafe_url("javascript:alert(1)") and unsafe_url(" JaVaScRiPt:x") and unsafe_url("java\tscript:x")
    assert not unsafe_url("https://example.com") and not unsafe_url("/a/b") and not unsafe_url("#x")


def test_pages_render_markdown_without_raw_html():
    """The wrapper every page uses for user Markdown must not load the raw-HTML plugin."""
    from lms_app.ui.status import safe_markdown

    rendered = str(safe_markdown("x").render())
    assert "rehypeRaw" not in rendered and "rehype-raw" not in rendered
