"""Accessibility: axe-core (tools/axe, from the npm registry) over every page of the app.

Every route the plugins register (``lms_pages``) is listed in ``PAGES`` with the person who opens
it; a route missing from the list fails ``test_every_page_is_checked``, so a new page cannot
skip the check. Each page is opened once per person (one browser context per person, signed in
once) and checked three times: light theme at 1280 px and at 390 px with every rule, dark theme
at 1280 px with the rules a theme can change (colour contrast, links told apart by colour). The rules are WCAG 2.0/2.1/2.2 A and AA plus axe's best practices; the test fails on any
*serious* or *critical* violation (and on a few moderate rules the product promises to keep:
heading order, landmarks), and prints every finding with the page, the theme, the element and
axe's explanation.

Install axe-core with ``scripts/setup.sh --dev`` (``tools/axe``); ``LMS_AXE_JS`` points elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(os.environ.get("LMS_AXE_JS", ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# Experimental in axe 4.x, so off unless named: the accessible name must contain the visible text.
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}
FAILING_IMPACTS = {"serious", "critical"}
# What a theme changes: colours. The dark check runs these rules only (names, roles, sizes and
# structure are the same in both themes and are checked at 1280 and 390 px).
THEME_RULES = ["color-contrast", "link-in-text-block"]
# (variant, viewport width, colour scheme, rules: None = all of TAGS)
VARIANTS = (("light", 1280, "light", None), ("dark", 1280, "dark", THEME_RULES), ("390px", 390, "light", None))
# Moderate rules that fail the test anyway: the product promises a heading outline and landmarks.
ALWAYS_FAILING_RULES = {"heading-order", "landmark-one-main", "region", "page-has-heading-one"}

# Every route -> (who opens it, the concrete path; "{name}" is filled in by DISCOVER below).
PAGES: dict[str, tuple[str, str]] = {
    "/": ("anon", "/"),
    "/courses": ("anon", "/courses"),
    "/courses/[course_slug]": ("anon", "/courses/python-from-zero"),
    "/login": ("anon", "/login"),
    "/register": ("anon", "/register"),
    "/forgot-password": ("anon", "/forgot-password"),
    "/reset-password/[token]": ("anon", "/reset-password/not-a-real-token"),
    "/verify-email/[token]": ("anon", "/verify-email/not-a-real-token"),
    "/verify/[cert_number]": ("anon", "/verify/LUMEN-0000-0000"),
    "/unsubscribe/[token]": ("anon", "/unsubscribe/not-a-real-token"),
    "/account/deleted": ("anon", "/account/deleted"),
    "/live": ("anon", "/live"),
    "/live/[offering_id]": ("anon", "{live_offering}"),
    "/plans": ("anon", "/plans"),
    "404": ("anon", "/no/such/page"),
    "/dashboard": ("learner", "/dashboard"),
    "/learn/[course]/[lesson]": ("learner", "{player}"),
    "/profile": ("learner", "/profile"),
    "/checkout/[slug]": ("learner", "/checkout/data-analysis-with-pandas"),
    "/orders": ("learner", "/orders"),
    "/orders/[order_id]": ("learner", "/orders/999999"),
    "/notifications": ("learner", "/notifications"),
    "/account/privacy": ("learner", "/account/privacy"),
    "/become-teacher": ("learner", "/become-teacher"),
    "/community/[course_slug]": ("learner", "/community/python-from-zero"),
    "/messages": ("learner", "/messages"),
    "/teach": ("teacher", "/teach"),
    "/teach/courses/[course_id]": ("teacher", "{course_editor}"),
    "/teach/lessons/[lesson_id]/quiz": ("teacher", "{quiz_editor}"),
    "/teach/lessons/[lesson_id]/assignment": ("teacher", "{assignment_editor}"),
    "/teach/grading": ("teacher", "/teach/grading"),
    "/teach/revenue": ("teacher", "/teach/revenue"),
    "/teach/coupons": ("teacher", "/teach/coupons"),
    "/teach/analytics": ("teacher", "/teach/analytics"),
    "/teach/webhooks": ("teacher", "/teach/webhooks"),
    "/teach/live": ("teacher", "/teach/live"),
    "/teach/community": ("teacher", "/teach/community"),
    "/teach/feedback": ("teacher", "/teach/feedback"),
    "/admin": ("admin", "/admin"),
    "/admin/users": ("admin", "/admin/users"),
    "/admin/applications": ("admin", "/admin/applications"),
    "/admin/categories": ("admin", "/admin/categories"),
    "/admin/audit": ("admin", "/admin/audit"),
    "/admin/reviews": ("admin", "/admin/reviews"),
    "/admin/learner-reviews": ("admin", "/admin/learner-reviews"),
    "/admin/certificates": ("admin", "/admin/certificates"),
    "/admin/orders": ("admin", "/admin/orders"),
    "/admin/coupons": ("admin", "/admin/coupons"),
    "/admin/analytics": ("admin", "/admin/analytics"),
    "/admin/jobs": ("admin", "/admin/jobs"),
    "/admin/mail": ("admin", "/admin/mail"),
    "/admin/live": ("admin", "/admin/live"),
    "/admin/plans": ("admin", "/admin/plans"),
    "/teach/payouts": ("teacher", "/teach/payouts"),
    "/admin/payouts": ("admin", "/admin/payouts"),
    "/bundles": ("anon", "/bundles"),
    "/bundles/[slug]": ("learner", "/bundles/complete-starter-bundle"),
    "/teach/bundles": ("teacher", "/teach/bundles"),
}

# Paths with database ids, found the way a person finds them: (who, page to look on, link pattern).
DISCOVER = {
    "live_offering": ("anon", "/live", r"^/live/\d+$"),
    "player": ("learner", "/courses/python-from-zero", r"^/learn/python-from-zero/\d+$"),
    "course_editor": ("teacher", "/teach", r"^/teach/courses/\d+$"),
}  # the quiz and assignment editors: the first links to them in the teacher's course editors
PEOPLE = ("anon", "learner", "teacher", "admin")


def test_every_page_is_checked():
    """A page added by a plugin must be added to PAGES (with the person who opens it)."""
    from lms_app.core import plugins

    routes = {page.route for page in plugins.collected("lms_pages")}
    assert routes - PAGES.keys() == set(), "pages the accessibility check does not open"
    assert PAGES.keys() - routes == set(), "PAGES lists routes the app no longer has"


def _settle(page: Page) -> None:
    """Wait until the page's data has arrived: the navbar knows who is signed in, skeletons are gone."""
    try:
        page.wait_for_load_state("networkidle", timeout=3_000)
    except Exception:  # a page with a live connection may never be idle; the checks below decide
        pass
    try:
        page.wait_for_function("() => !document.querySelector('.rt-Skeleton')", timeout=8_000)
    except Exception:
        pass
    page.wait_for_timeout(150)


def _axe(page: Page, axe_source: str, only_rules: list[str] | None = None) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    run_only = {"type": "rule", "values": only_rules} if only_rules else {"type": "tag", "values": TAGS}
    return page.evaluate(
        """async ([runOnly, rules]) => {
            const result = await axe.run(document, {runOnly, rules, resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                          summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)}))}));
        }""",
        [run_only, {} if only_rules else EXTRA_RULES],
    )


def _failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in ALWAYS_FAILING_RULES]


def _report(findings: list[tuple[str, str, dict]]) -> str:
    lines = [f"{len(findings)} serious/critical accessibility violation(s):"]
    for path, variant, v in findings:
        lines.append(f"\n* {path} [{variant}] {v['impact']}: {v['id']} — {v['help']} ({v['url']})")
        for node in v["nodes"][:6]:
            lines.append(f"    {node['target']}\n      {node['html']}\n      {node['summary']}")
        if len(v["nodes"]) > 6:
            lines.append(f"    ... and {len(v['nodes']) - 6} more element(s)")
    return "\n".join(lines)


def _discover(pages: dict[str, Page], ui, server) -> dict[str, str]:
    found: dict[str, str] = {}

    def first_href(who: str, path: str, pattern: str) -> str:
        page = pages[who]
        ui.goto(page, path)
        _settle(page)
        regex = re.compile(pattern)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            href = re.sub(r"^https?://[^/]+", "", href or "").split("?")[0].rstrip("/")
            if regex.match(href):
                return href
        raise AssertionError(f"no link matching {pattern} on {path} (as {who}): {hrefs}")

    for name, (who, path, pattern) in DISCOVER.items():
        found[name] = first_href(who, path, pattern)
    # The quiz and assignment editors are reached through a lesson's edit dialog: their ids come
    # from the server's database (the demo teacher's first quiz and assignment lessons).
    found.update(_lesson_editors(server))
    return found


def _lesson_editors(server) -> dict[str, str]:
    if server.data_dir is None:  # an external server (LMS_E2E_BASE_URL) with the demo data: its ids
        return {"quiz_editor": "/teach/lessons/70/quiz", "assignment_editor": "/teach/lessons/69/assignment"}
    import sqlite3

    with sqlite3.connect(server.data_dir / "data" / "lms.db") as db:
        rows = db.execute("SELECT l.lesson_type, min(l.id) FROM lessons l JOIN courses c ON c.id = l.course_id "
                          "JOIN users u ON u.id = c.teacher_id WHERE u.email = ? "
                          "AND l.lesson_type IN ('quiz', 'assignment') GROUP BY l.lesson_type",
                          (_demo("teacher")[0],)).fetchall()
    found = {f"{kind}_editor": f"/teach/lessons/{lesson_id}/{kind}" for kind, lesson_id in rows}
    assert len(found) == 2, f"the demo teacher has no quiz or no assignment lesson: {rows}"
    return found


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}: run scripts/setup.sh --dev (installs tools/axe)", pytrace=False)
    return AXE_JS.read_text()


@pytest.fixture(scope="module")
def people(browser, lms_server, ui):
    """One signed-in browser context per person, reused for all of that person's pages."""
    contexts, pages = [], {}
    for who in PEOPLE:
        context = browser.new_context(base_url=lms_server.base_url, viewport={"width": 1280, "height": 900},
                                      color_scheme="light")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if who != "anon":
            ui.login(page, *_demo(who))
        pages[who] = page
    yield pages
    for context in contexts:
        context.close()


def _demo(who: str) -> tuple[str, str]:
    from tests.e2e.conftest import DEMO

    return DEMO[who]


def test_no_serious_accessibility_violations(people, ui, axe_source, lms_server):
    paths = _discover(people, ui, lms_server)
    findings: list[tuple[str, str, dict]] = []
    checked = 0
    for route, (who, path) in PAGES.items():
        page = people[who]
        path = path.format(**paths)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(color_scheme="light")
        ui.goto(page, path)
        _settle(page)
        for variant, width, theme, rules in VARIANTS:
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.emulate_media(color_scheme=theme)
            expect(page.locator("html")).to_have_class(re.compile(rf"\b{theme}\b"))
            page.wait_for_timeout(100)
            findings += [(path, variant, v) for v in _failing(_axe(page, axe_source, rules))]
            checked += 1
    print(f"\n[axe] {checked} checks over {len(PAGES)} pages, {len(findings)} failing finding(s)")
    assert not findings, _report(findings)


_FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const drawn = node => { const s = getComputedStyle(node);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
    // The ring may be drawn by the element, or by a wrapper that shows :focus-within / :has(:focus-visible)
    // (text fields, course cards).
    let node = el, ring = false;
    for (let i = 0; node && i < 4 && !ring; i++, node = node.parentElement) ring = drawn(node);
    const r = el.getBoundingClientRect();
    return {ring, tag: el.tagName.toLowerCase(), name: (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 40),
            visible: r.width > 0 && r.height > 0};
}"""


@pytest.mark.parametrize("who,path", [("anon", "/courses"), ("anon", "/"), ("learner", "{player}")])
def test_keyboard_focus_is_always_visible(people, ui, lms_server, who: str, path: str):
    """Tab through the page: every element that takes the focus shows a focus ring (WCAG 2.4.7)."""
    page = people[who]
    if "{" in path:
        path = path.format(**_discover(people, ui, lms_server))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")
    ui.goto(page, path)
    _settle(page)
    page.locator("body").focus()
    seen, missing = 0, []
    for _ in range(45):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUS_RING)
        if info is None:
            continue
        seen += 1
        if info["visible"] and not info["ring"]:
            missing.append(f"<{info['tag']}> {info['name']!r}")
    assert seen >= 10, f"only {seen} elements took the focus on {path}"
    assert not missing, f"no visible focus ring on {path}: {missing}"
