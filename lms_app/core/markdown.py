"""Markdown written by teachers: neutralised on save, rendered without raw HTML.

Pages render user Markdown with ``rx.markdown(..., use_raw=False)`` (react-markdown 10 without
rehype-raw: raw HTML is shown as text, and its default URL transform drops ``javascript:``).
On top of that, this module cleans the text before it is stored, so no other renderer (an
e-mail, an export, a future component) can be tricked either:

- raw HTML tags (``<script>``, ``<img onerror=…>``, ``<a href=…>``, comments) outside code are
  removed; ``<script>``/``<style>`` blocks go with their content;
- link and image destinations (inline, reference definitions, autolinks) whose scheme is not
  http, https or mailto become ``#``; entity- or whitespace-obfuscated schemes are decoded first.

Code spans and fenced code blocks are left exactly as written: they render as text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

_FENCE = re.compile(r"(^|\n)(```|~~~)[^\n]*\n.*?(\n\2[^\n]*(?=\n|$)|$)", re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_BLOCK_TAGS = re.compile(r"<\s*(script|style|iframe|object|embed|template)\b.*?(<\s*/\s*\1\s*>|$)", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[A-Za-z][\w.+-]*:[^<>\s]*>")
_INLINE_DEST = re.compile(r"(\]\(\s*)(<[^>]*>|[^)\s]+)")
_REF_DEF = re.compile(r"(^[ ]{0,3}\[[^\]]+\]:\s*)(<[^>]*>|\S+)", re.M)
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def unsafe_url(url: str) -> bool:
    """True when ``url`` has a scheme other than http(s)/mailto, however it is disguised."""
    probe = url.strip("<>")
    for _ in range(3):  # entities and percent-escapes may be nested
        decoded = unquote(html.unescape(probe))
        if decoded == probe:
            break
        probe = decoded
    probe = re.sub(r"[\x00-\x20\x7f]+", "", probe)
    match = _SCHEME.match(probe)
    return bool(match) and match.group(1).lower() not in _SAFE_SCHEMES


def _clean_prose(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _BLOCK_TAGS.sub("", text)
    text = _TAG.sub("", text)

    def dest(m: re.Match) -> str:
        return m.group(1) + ("#" if unsafe_url(m.group(2)) else m.group(2))

    text = _INLINE_DEST.sub(dest, text)
    return _REF_DEF.sub(dest, text)


def _split_code(text: str) -> list[tuple[bool, str]]:
    """[(is_code, chunk)]: fenced blocks and code spans are code; the rest is prose."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for m in _FENCE.finditer(text):
        parts.extend(_split_spans(text[pos:m.start()]))
        parts.append((True, m.group(0)))
        pos = m.end()
    parts.extend(_split_spans(text[pos:]))
    return parts


def _split_spans(text: str) -> list[tuple[bool, str]]:
    parts, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        parts.append((False, text[pos:m.start()]))
        parts.append((True, m.group(0)))
        pos = m.end()
    parts.append((False, text[pos:]))
    return parts


def neutralise(text: str) -> tuple[str, bool]:
    """(safe text, whether anything was removed or rewritten)."""
    norm = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text.replace("\r\n", "\n"))
    out = "".join(chunk if is_code else _clean_prose(chunk) for is_code, chunk in _split_code(norm))
    return out, out != norm
