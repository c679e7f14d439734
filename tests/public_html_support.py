"""Read a page the way a crawler without JavaScript does: the head's title, metas, links and
JSON-LD, and the text of the body (``<noscript>`` included, as a parser without scripting sees
it). Standard library only (``html.parser``), shared by the unit and the browser tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ParsedPage:
    titles: list[str] = field(default_factory=list)
    metas: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    json_ld: list[object] = field(default_factory=list)
    anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    text: str = ""  # body text outside scripts and styles
    scripts_in_body: int = 0

    def meta(self, key: str) -> list[str]:
        """Every content of ``<meta name=key>`` or ``<meta property=key>``."""
        return [m.get("content", "") for m in self.metas if key in (m.get("name"), m.get("property"))]

    def one(self, key: str) -> str:
        values = self.meta(key)
        assert len(values) == 1, (key, values)
        return values[0]

    def canonical(self) -> list[str]:
        return [link.get("href", "") for link in self.links if link.get("rel") == "canonical"]

    def of_type(self, kind: str) -> list[dict]:
        return [d for d in self.json_ld if isinstance(d, dict) and d.get("@type") == kind]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._stack: list[str] = []
        self._in_body = False
        self._title: list[str] | None = None
        self._ld: list[str] | None = None
        self._anchor: tuple[str, list[str]] | None = None
        self._skip = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "body":
            self._in_body = True
        elif tag == "title" and not self._in_body:
            self._title = []
        elif tag == "meta":
            self.page.metas.append(a)
        elif tag == "link":
            self.page.links.append(a)
        elif tag == "script":
            if a.get("type") == "application/ld+json":
                self._ld = []
            else:
                self._skip += 1
                self.page.scripts_in_body += self._in_body
        elif tag == "style":
            self._skip += 1
        elif tag == "a":
            self._anchor = (a.get("href", ""), [])

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.page.titles.append("".join(self._title))
            self._title = None
        elif tag == "script":
            if self._ld is not None:
                self.page.json_ld.append(json.loads("".join(self._ld)))
                self._ld = None
            else:
                self._skip = max(0, self._skip - 1)
        elif tag == "style":
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._anchor is not None:
            self.page.anchors.append((self._anchor[0], " ".join("".join(self._anchor[1]).split())))
            self._anchor = None
        if tag in ("p", "li", "h1", "h2", "h3", "dd", "dt", "div", "section", "article"):
            self._text.append("\n")

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        elif self._ld is not None:
            self._ld.append(data)
        elif self._in_body and not self._skip:
            self._text.append(data)
            if self._anchor is not None:
                self._anchor[1].append(data)

    def close(self):
        super().close()
        self.page.text = "".join(self._text)


def parse(document: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(document)
    parser.close()
    return parser.page
