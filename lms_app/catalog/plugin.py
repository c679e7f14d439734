"""The public catalog: home page, course list with search, course pages, sitemap, the top
bar's search box."""

from __future__ import annotations

from lms_app.core.plugin_api import NavbarWidget, hookimpl, pages_of


@hookimpl
def lms_pages():
    from lms_app.catalog.pages import catalog, course, home

    return pages_of(home, catalog, course)


@hookimpl
def lms_navbar_widgets():
    from lms_app.catalog.pages.search_box import search_box

    return [NavbarWidget("catalog-search", search_box, order=10)]


@hookimpl
def lms_http_routes():
    from lms_app.catalog import api, public_html

    return api.ROUTES + public_html.ROUTES


@hookimpl
def lms_api_routers():
    from lms_app.catalog import rest

    return [rest.router]
