"""Public pages readable without JavaScript: the exported page with its real head and text.

The frontend is a static-exported React app: for ``/courses/<slug>`` the server would send the
same 4.8 KB shell for every course (no title, no text), and the prerendered ``/`` and
``/courses`` carry only their build-time skeletons. Crawlers that do not run JavaScript and every
link preview (chat apps, social networks) read nothing of the course.

A feature registers a ``public_page_route(path, render)`` among its ``lms_http_routes``. Those
routes come before the compiled frontend when the app serves both on one port (``reflex run
--env prod --single-port``, as ``scripts/run.sh`` and the Dockerfile run it), so for these paths
the response is the exported HTML file Reflex would have sent, with:

- in ``<head>``: the real ``<title>``, meta description, canonical URL (from ``LMS_PUBLIC_URL``
  through ``core/origins.public_base``, never the Host header), Open Graph and Twitter card tags,
  ``robots`` when the page must not be indexed, and JSON-LD;
- before ``</body>``: the page's main text in a ``<noscript>`` block. A browser that runs scripts
  never shows it (React renders the page as before: no flash, no duplicated text), while an HTML
  parser without scripting, a crawler or a reader with JavaScript off gets the text.

Hydration: React 19 hydrates the whole document (React Router); it skips elements it did not
render that sit in ``<head>`` or ``<body>``, and it adopts the first ``<title>``, so the injected
tags go *after* React's own (end of head, end of body) and the build's own ``<title>``,
description and ``og:image`` (the favicon) are removed rather than duplicated.

Rendering is one function per page (in the feature: it calls the same service functions as the
page) returning a ``PublicPage``; everything in it is text that is escaped here. The JSON-LD is
serialised with ``<``, ``>`` and ``&`` escaped so no value can close the script element.
Not cached: a render is the page's own few queries, and no domain event covers every course edit
on every worker (see ``docs/architecture.md``).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.settings import Settings, get_settings


SPA_FALLBACK = "__spa-fallback.html"
CACHE_CONTROL = "public, max-age=60"
# Only where the block shows (JavaScript off): a readable centred column, and the empty app root
# of the SPA shell no longer takes a whole screen above it (Radix gives it min-height: 100vh).
NOSCRIPT_CSS = (
    "#lms-static-content{display:block;max-width:760px;margin:2rem auto;padding:0 1.25rem;"
    "font:16px/1.6 system-ui,sans-serif;color:var(--gray-12,#1c2024)}"
    "#lms-static-content h1{font-size:2rem;line-height:1.2;margin:0 0 .5rem}"
    "#lms-static-content h2{font-size:1.35rem;line-height:1.3;margin:1.5rem 0 .5rem}"
    "#lms-static-content h3{font-size:1.1rem;margin:1rem 0 .25rem}"
    "#lms-static-content p,#lms-static-content dl{margin:0 0 .75rem}"
    "#lms-static-content ul,#lms-static-content ol{margin:0 0 .75rem;padding-left:1.5rem}"
    "#lms-static-content ul{list-style:disc}#lms-static-content ol{list-style:decimal}"
    "#lms-static-content dt{font-weight:600}#lms-static-content dd{margin:0 0 .5rem}"
    "#lms-static-content a{color:var(--accent-11,#3a5bc7);text-decoration:underline}"
    "[data-is-root-theme=true]{min-height:0!important}")
# What the build puts in every exported page's head that the rendered head replaces.
_BUILD_HEAD_TAGS = (
    re.compile(r"<title>.*?</title>", re.S),
    re.compile(r'<meta\b(?=[^>]*\bname="description")[^>]*>'),
    re.compile(r'<meta\b(?=[^>]*\bproperty="og:[^"]*")[^>]*>'),
    re.compile(r'<meta\b(?=[^>]*\bname="(?:robots|twitter:[^"]*)")[^>]*>'),
    re.compile(r'<link\b(?=[^>]*\brel="canonical")[^>]*>'),
)


@dataclass
class PublicPage:
    """What the server tells a reader without JavaScript about one page (plain text values)."""

    title: str
    description: str
    path: str  # canonical path ("/courses/python"); made absolute with the public base URL
    status: int = 200
    noindex: bool = False
    og_type: str = "website"
    image: str = ""  # a path ("/media/...") or absolute URL; absolute in the output
    image_alt: str = ""
    json_ld: list[dict] = field(default_factory=list)
    body: str = ""  # an HTML fragment built with ``esc``/``link``/``paragraphs`` (already escaped)


# --- HTML building (everything escaped) ----------------------------------------------------

def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def absolute(base: str, path: str) -> str:
    if not path:
        return ""
    if path.startswith(("https://", "http://")):
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def paragraphs(text: str) -> str:
    """Plain paragraphs of user-written text (Markdown shown as its text, never as HTML)."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text or "")]
    return "".join(f"<p>{esc(b)}</p>" for b in blocks if b)


def json_ld_script(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script> only "</script" (and "<!--") can end the element: escape every <, > and &.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def head_tags(page: PublicPage, base: str, site_name: str) -> str:
    canonical = absolute(base, page.path)
    image = absolute(base, page.image)
    tags = [f"<title>{esc(page.title)}</title>",
            f'<meta name="description" content="{esc(page.description)}"/>']
    if page.noindex:
        tags.append('<meta name="robots" content="noindex"/>')
    if page.status == 200:  # a "not found" answer names no canonical page
        tags.append(f'<link rel="canonical" href="{esc(canonical)}"/>')
    og = [("og:type", page.og_type), ("og:site_name", site_name), ("og:title", page.title),
          ("og:description", page.description), ("og:url", canonical)]
    if image:
        og += [("og:image", image), ("og:image:alt", page.image_alt or page.title)]
    tags += [f'<meta property="{name}" content="{esc(value)}"/>' for name, value in og]
    twitter = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", page.title),
               ("twitter:description", page.description)]
    if image:
        twitter += [("twitter:image", image), ("twitter:image:alt", page.image_alt or page.title)]
    tags += [f'<meta name="{name}" content="{esc(value)}"/>' for name, value in twitter]
    tags += [json_ld_script(item) for item in page.json_ld]
    return "".join(tags)


def noscript_body(page: PublicPage) -> str:
    return (f'<noscript><style>{NOSCRIPT_CSS}</style><main id="lms-static-content">{page.body}</main></noscript>'
            if page.body else "")


def inject(shell: str, page: PublicPage, base: str, site_name: str) -> str:
    """The exported page ``shell`` with the build's title/description/og tags replaced by
    ``page``'s head and its text before ``</body>``."""
    head_end = shell.find("</head>")
    body_end = shell.rfind("</body>")
    if head_end < 0 or body_end < head_end:
        return minimal_document(page, base, site_name)
    head = shell[:head_end]
    for pattern in _BUILD_HEAD_TAGS:
        head = pattern.sub("", head)
    middle = shell[head_end:body_end]
    return head + head_tags(page, base, site_name) + middle + noscript_body(page) + shell[body_end:]


def minimal_document(page: PublicPage, base: str, site_name: str) -> str:
    """Without an exported frontend (the backend alone, in development): the same head and text."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>{head_tags(page, base, site_name)}'
            f"</head><body>{noscript_body(page).removeprefix('<noscript>').removesuffix('</noscript>')}"
            "</body></html>")


# --- the exported page files ----------------------------------------------------------------

_shells: dict[Path, tuple[float, str]] = {}


def static_dir() -> Path | None:
    """Where Reflex exported the frontend (``<web dir>/build/client``), if it did."""
    try:
        from reflex.constants import Dirs
        from reflex.utils.prerequisites import get_web_dir
    except ImportError:  # pragma: no cover - reflex is always installed with the app
        return None
    folder = get_web_dir() / Dirs.STATIC
    return folder if folder.is_dir() else None


def shell_for(route: str) -> str | None:
    """The exported HTML Reflex serves for ``route`` ("/", "/courses", or a dynamic route, which
    gets the SPA fallback), read once per process and again when the build changes it."""
    folder = static_dir()
    if folder is None:
        return None
    name = route.strip("/")
    if "{" in name:
        candidates = [SPA_FALLBACK, "404.html"]
    elif not name:
        candidates = ["index.html"]
    else:
        candidates = [f"{name}.html", f"{name}/index.html", SPA_FALLBACK]
    for candidate in candidates:
        path = folder / candidate
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        cached = _shells.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, path.read_text(encoding="utf-8"))
            _shells[path] = cached
        return cached[1]
    return None


# --- the route ------------------------------------------------------------------------------

Renderer = Callable[..., PublicPage]


def render_response(page: PublicPage, route: str, settings: Settings, base: str) -> Response:
    shell = shell_for(route)
    document = (inject(shell, page, base, settings.site_name) if shell is not None
                else minimal_document(page, base, settings.site_name))
    return HTMLResponse(document, status_code=page.status,
                        headers={"Cache-Control": CACHE_CONTROL if page.status == 200 else "no-cache"})


def public_page_route(path: str, render: Renderer, name: str | None = None) -> Route:
    """A ``lms_http_routes`` entry serving ``path``'s exported page with ``render``'s head and text.

    ``render(session, params, base)`` runs in one database transaction (``run_db``); ``params``
    are the path parameters merged over the query parameters, ``base`` the public base URL (for
    absolute URLs in JSON-LD); it returns a ``PublicPage``."""

    async def endpoint(request: Request) -> Response:
        settings = get_settings()
        base = public_base(settings, f"{request.url.scheme}://{request.url.netloc}")  # never a forged Host
        params = {**dict(request.query_params), **request.path_params}
        page = await run_db(render, params, base)
        return render_response(page, path, settings, base)

    # Compressed like the static files Reflex serves (it sends precompressed .gz sidecars).
    return Route(path, GZipMiddleware(_asgi(endpoint), minimum_size=1000), methods=["GET", "HEAD"],
                 name=name or f"public-page:{path}")


def _asgi(endpoint):
    async def app(scope, receive, send):
        response = await endpoint(Request(scope, receive))
        await response(scope, receive, send)

    return app
