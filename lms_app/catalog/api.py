"""Sitemap with the published courses, generated per request from the database; robots.txt.

Reflex's SitemapPlugin writes a static ``sitemap.xml`` at build time and skips dynamic routes
(``/courses/[course_slug]``), so it cannot list courses. These routes are mounted through
``api_transformer``, whose routes take precedence over the compiled frontend when the app is
served on one port (``reflex run --env prod --single-port``, the way this app runs): there
``/sitemap.xml`` is this dynamic one. ``/sitemap-courses.xml`` serves the same document under a
name no frontend file can shadow (e.g. behind a proxy that serves the static build itself).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.settings import get_settings
from lms_app.catalog.services import queries as catalog

STATIC_PAGES = ("/", "/courses", "/register", "/login")


def sitemap_xml(base: str, courses) -> str:
    base = base.rstrip("/")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in STATIC_PAGES:
        parts.append(f"<url><loc>{escape(base + path)}</loc></url>")
    for slug, updated in courses:
        lastmod = f"<lastmod>{updated.date().isoformat()}</lastmod>" if updated else ""
        parts.append(f"<url><loc>{escape(f'{base}/courses/{slug}')}</loc>{lastmod}</url>")
    parts.append("</urlset>")
    return "\n".join(parts)


async def sitemap(request: Request) -> Response:
    courses = await run_db(catalog.published_course_slugs)
    base = public_base(get_settings(), f"{request.url.scheme}://{request.url.netloc}")  # never a forged Host
    return Response(sitemap_xml(base, courses), media_type="application/xml",
                    headers={"Cache-Control": "public, max-age=600"})


# Signed-in areas and the API: nothing there for a search engine. /verify stays crawlable so its
# noindex is seen (a disallowed URL can still be indexed from links, without its content).
PRIVATE_PREFIXES = ("/api/", "/admin", "/teach", "/dashboard", "/learn/", "/checkout/", "/account", "/orders",
                    "/profile", "/messages", "/notifications", "/reset-password/", "/verify-email/",
                    "/unsubscribe/", "/_upload", "/_event")


def robots_txt(base: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES), "",
             f"Sitemap: {base.rstrip('/')}/sitemap.xml"]
    return "\n".join(lines) + "\n"


async def robots(request: Request) -> Response:
    base = public_base(get_settings(), f"{request.url.scheme}://{request.url.netloc}")  # never a forged Host
    return Response(robots_txt(base), media_type="text/plain", headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [Route("/sitemap.xml", sitemap, methods=["GET", "HEAD"]),
          Route("/sitemap-courses.xml", sitemap, methods=["GET", "HEAD"]),
          Route("/robots.txt", robots, methods=["GET", "HEAD"])]
