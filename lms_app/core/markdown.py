"""Markdown written by teachers and learners: cleaned on save, rendered without raw HTML.

Pages render user Markdown with ``rx.markdown(..., use_raw=False)`` (react-markdown without
rehype-raw: raw HTML is shown as text, and its default URL transform drops ``javascript:``).
On top of that, this module cleans the text before it is stored, so no other renderer (an
e-mail, an export, an API client) can be tricked either:

- raw HTML is found by a CommonMark parser (markdown-it-py: the ``html_block`` and
  ``html_inline`` tokens, so code spans and fenced code are never touched) and each piece is
  cleaned by Ammonia (nh3) with an empty tag allow-list: tags and attributes go, the text
  between them stays (a teacher's paragraph after an unclosed ``<iframe>`` is kept), and
  ``<script>``/``<style>`` go with their content;
- link and image destinations (inline, reference definitions, autolinks) whose scheme is not
  http, https or mailto become ``#``; entity- or whitespace-obfuscated schemes are decoded first
  (Markdown link syntax is not HTML, so no HTML sanitiser sees it).

``render_html`` is the one place Markdown becomes HTML on the server: markdown-it-py, then nh3
with an explicit allow-list of tags, attributes and URL schemes.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

# What server-rendered Markdown may contain (render_html): CommonMark's output plus GFM tables
# and strikethrough; no style, no event handlers, no iframes, no forms.
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
                      "th": {"align"}, "td": {"align"}, "code": {"class"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTENT_DROPPED = {"script", "style"}  # removed with everything inside them

_FENCE = re.compile(r"(^|\n)(```|~~~)[^\n]*\n.*?(\n\2[^\n]*(?=\n|$)|$)", re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_AUTOLINK = re.compile(r"<([A-Za-z][\w.+-]*:[^<>\s]*)>")
_INLINE_DEST = re.compile(r"(\]\(\s*)(<[^>]*>|[^)\s]+)")
_REF_DEF = re.compile(r"(^[ ]{0,3}\[[^\]]+\]:\s*)(<[^>]*>|\S+)", re.M)
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_TAG_NAME = re.compile(r"<\s*([A-Za-z][A-Za-z0-9-]*)")


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_html(text: str) -> str:
    """Markdown -> HTML for server-side use (meta descriptions, e-mails, exports), sanitised."""
    raw = _parser().render(text or "")
    return nh3.clean(raw, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow",
                     clean_content_tags=set(_CONTENT_DROPPED), strip_comments=True)


def _strip_html(piece: str) -> str:
    """Raw HTML from Markdown source with every tag removed by Ammonia; text kept as source text."""
    cleaned = nh3.clean(piece, tags=set(), clean_content_tags=set(_CONTENT_DROPPED), strip_comments=True)
    # nh3 serialises text as HTML (&lt; &amp;); Markdown renders entities, but a teacher reads
    # the source: give back the characters, then make sure no tag came back through an entity.
    plain = html.unescape(cleaned)
    return plain.replace("<", "&lt;") if "<" in plain else plain


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    starts.append(len(text))
    return starts


def _html_replacements(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every raw-HTML piece markdown-it-py finds in ``text``."""
    out: list[tuple[int, int, str]] = []
    starts = _line_starts(text)

    def offset(line: int) -> int:
        return starts[min(line, len(starts) - 1)]

    for token in _parser().parse(text):
        if token.type == "html_block" and token.map:
            begin, end = offset(token.map[0]), offset(token.map[1])
            out.append((begin, end, _strip_html(text[begin:end])))
        elif token.type == "inline" and token.children and token.map:
            children = token.children
            cursor, limit = offset(token.map[0]), offset(token.map[1])
            i = 0
            while i < len(children):
                child = children[i]
                if child.type == "code_inline":
                    opening = text.find(child.markup, cursor, limit)
                    closing = text.find(child.markup, opening + len(child.markup), limit) if opening >= 0 else -1
                    if closing >= 0:
                        cursor = closing + len(child.markup)
                elif child.type == "html_inline":
                    begin = text.find(child.content, cursor, limit)
                    if begin < 0:  # not where expected: neutralise the whole inline run instead
                        span = text[cursor:limit]
                        out.append((cursor, limit, span.replace("<", "&lt;")))
                        break
                    end = begin + len(child.content)
                    name = _TAG_NAME.match(child.content)
                    if name and name.group(1).lower() in _CONTENT_DROPPED:
                        # <script> … </script> on one line: the content goes too.
                        closer = f"</{name.group(1).lower()}"
                        for j in range(i + 1, len(children)):
                            later = children[j]
                            if later.type == "html_inline" and later.content.lower().replace(" ", "").startswith(closer):
                                stop = text.find(later.content, end, limit)
                                if stop >= 0:
                                    end, i = stop + len(later.content), j
                                break
                    out.append((begin, end, _strip_html(text[begin:end])))
                    cursor = end
                i += 1
    return out


def _remove_html(text: str) -> str:
    pieces, pos = [], 0
    for begin, end, new in sorted(_html_replacements(text)):
        if begin < pos:
            continue
        pieces += [text[pos:begin], new]
        pos = end
    return "".join(pieces) + text[pos:]


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


def _clean_links(text: str) -> str:
    def dest(m: re.Match) -> str:
        return m.group(1) + ("#" if unsafe_url(m.group(2)) else m.group(2))

    text = _AUTOLINK.sub(lambda m: "#" if unsafe_url(m.group(1)) else m.group(0), text)
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
    out = _remove_html(norm)
    out = "".join(chunk if is_code else _clean_links(chunk) for is_code, chunk in _split_code(out))
    return out, out != norm
