"""Every registered page builds its component tree (what ``reflex export`` evaluates first).

A page that raises while being built (a name clash, a Var used the wrong way) otherwise only
shows up in the production build of the browser tests, minutes later.
"""

from __future__ import annotations

import pytest
import reflex as rx

import lms_app.app as app_module

PAGES = app_module.app._unevaluated_pages


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_builds(route):
    component = PAGES[route].component
    built = component() if callable(component) else component
    assert isinstance(built, rx.Component)
    assert built.render()  # the tree renders to the dict the compiler turns into JSX
