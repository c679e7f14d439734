"""The HTML the server sends for /, /courses, /courses/<slug> and /verify/<number> without
JavaScript: title, description, canonical, Open Graph, Twitter card, JSON-LD and the main text,
escaped, in the page's own query budget, with nothing of an unpublished course."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core import public_html
from lms_app.core.courses import Lesson, Module
from lms_app.core.http import build_api
from lms_app.core.money import decimal_amount
from tests.public_html_support import parse
from tests.unit.catalog.test_course_page_service import add_curriculum

BASE = "https://learn.example.org"
# The shape of what ``reflex export`` writes: React's hoisted title/description/og:image in the
# head, the theme script, React Router's scripts at the end of the body.
SHELL = ('<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><meta content="width=device-width, '
         'initial-scale=1" name="viewport"/><link rel="modulepreload" href="/assets/root.js"/><script>'
         'document.documentElement.classList.add("light")</script><title>Course · Lumen Learning</title>'
         '<meta content="Course details, curriculum and teacher." name="description"/>'
         '<meta content="favicon.ico" property="og:image"/><link href="/assets/g.css" rel="stylesheet" '
         'type="text/css"/></head><body><section aria-label="Notifications"></section><div class="radix-themes">'
         '</div><script>window.__reactRouterContext = {"isSpaMode":true};</script><script type="module" async="">'
         'import("/assets/entry.client.js");</script><!--$--><!--/$--></body></html>')
EVIL = '<script>alert("x")</script> & "quoted" \'single\' </noscript><b>'


@pytest.fixture
def exported(tmp_path, monkeypatch):
    """A static export folder with the home page, the catalog and the SPA fallback."""
    for name in ("index.html", "courses.html", public_html.SPA_FALLBACK):
        (tmp_path / name).write_text(SHELL.replace("Course · ", name + " · "), encoding="utf-8")
    monkeypatch.setattr(public_html, "static_dir", lambda: tmp_path)
    public_html._shells.clear()
    return tmp_path


@pytest.fixture
def client(use_env, exported):
    use_env(LMS_PUBLIC_URL=BASE)
    with TestClient(build_api(), base_url="http://forged-host.example") as c:
        yield c


def get(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return response, parse(response.text)


def _course(make_course, make_category, **extra):
    course = make_course(category=make_category(name="Data"), subtitle="Learn pandas in a week",
                         description="First paragraph about data.\n\nSecond paragraph, with detail.",
                         price_minor=4900, currency="EUR", thumbnail_file="cover-1.webp",
                         outcomes=["Clean a data set", "Plot a trend"], **extra)
    add_curriculum(course, modules=2, lessons_per_module=2)
    return course


def test_course_page_carries_head_tags_json_ld_and_main_text(client, make_course, make_category, count_queries):
    course = _course(make_course, make_category, title="Data Analysis")
    with count_queries() as n:
        response, page = get(client, f"/courses/{course.slug}")
    assert n.count == 2, n.statements  # the course page's own two queries (course, curriculum)
    url = f"{BASE}/courses/{course.slug}"
    assert page.titles == ["Data Analysis · Lumen Learning"]  # the build's own title is replaced
    assert page.one("description") == "Learn pandas in a week"
    assert page.canonical() == [url]
    assert page.one("og:title") == "Data Analysis · Lumen Learning" and page.one("og:url") == url
    assert page.one("og:description") == "Learn pandas in a week"
    assert page.one("og:image") == f"{BASE}/media/thumbnails/cover-1.webp"  # absolute, not the favicon
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:image") == f"{BASE}/media/thumbnails/cover-1.webp"
    assert page.meta("robots") == []
    [ld] = page.of_type("Course")
    assert ld["@context"] == "https://schema.org" and ld["name"] == "Data Analysis" and ld["url"] == url
    assert ld["provider"] == {"@type": "Organization", "name": "Lumen Learning", "url": BASE + "/"}
    assert ld["offers"] == [{"@type": "Offer", "category": "Paid", "price": "49.00", "priceCurrency": "EUR",
                             "url": url, "availability": "https://schema.org/InStock"}]
    assert ld["isAccessibleForFree"] is False and ld["about"] == "Data"
    assert [s["name"] for s in ld["syllabusSections"]] == ["Module 1", "Module 2"]
    for text in ("Data Analysis", "Learn pandas in a week", "First paragraph about data.",
                 "Second paragraph, with detail.", "Module 1", "Module 2", "Lesson 1", "Lesson 4", "Clean a data set"):
        assert text in page.text, text
    # The forged Host never reaches a URL; React's scripts are still there, after the head tags.
    assert "forged-host" not in response.text
    assert page.scripts_in_body == 2 and response.text.index("</noscript>") > response.text.index("entry.client")


def test_free_course_is_accessible_for_free(client, make_course):
    course = make_course(title="Free one", price_minor=0, currency="USD")
    _, page = get(client, f"/courses/{course.slug}")
    [ld] = page.of_type("Course")
    assert ld["isAccessibleForFree"] is True and ld["offers"][0]["price"] == "0.00"
    assert page.one("twitter:card") == "summary" and page.meta("og:image") == []  # no image: no favicon either


def test_everything_user_written_is_escaped(client, make_course, make_category):
    course = make_course(title=EVIL, subtitle=EVIL, description=EVIL + "\n\n" + EVIL, outcomes=[EVIL])
    add_curriculum(course, modules=1, lessons_per_module=1)
    with lms_app.core.db.session_scope() as s:  # hostile module and lesson titles too
        s.execute(update(Module).where(Module.course_id == course.id).values(title=EVIL))
        s.execute(update(Lesson).where(Lesson.course_id == course.id).values(title=EVIL))
    response, page = get(client, f"/courses/{course.slug}")
    assert '<script>alert("x")' not in response.text and "<b>" not in response.text
    assert page.titles == [f"{EVIL} · Lumen Learning"]  # the parser gives back exactly what was written
    assert page.one("og:title") == f"{EVIL} · Lumen Learning"
    [ld] = page.of_type("Course")  # json.loads succeeded on it
    assert ld["name"] == EVIL and ld["syllabusSections"][0]["name"] == EVIL
    assert page.text.count(EVIL) >= 5
    assert response.text.count("</noscript>") == 1  # a title cannot close the block early


def test_unpublished_and_unknown_courses_answer_the_same_not_found(client, make_course):
    bodies = []
    for status in ("draft", "pending", "rejected", "archived"):
        hidden = make_course(title=f"Secret plan {status}", subtitle="secret subtitle", status=status,
                             description="secret description", thumbnail_file="secret.webp")
        response, page = get(client, f"/courses/{hidden.slug}", status=404)
        assert "Secret plan" not in response.text and "secret" not in response.text
        assert page.titles == ["Course not found · Lumen Learning"]
        assert page.meta("robots") == ["noindex"] and page.canonical() == [] and page.json_ld == []
        bodies.append(response.text)
    unknown, _ = get(client, "/courses/no-such-course", status=404)
    assert set(bodies) == {unknown.text}
    assert unknown.headers["cache-control"] == "no-cache"


def test_home_lists_published_courses_with_links(client, make_course, make_category, count_queries):
    category = make_category(name="Design")
    shown = make_course(title="Visible <course>", category=category, subtitle="Sub")
    hidden = make_course(title="Draft course", status="draft")
    with count_queries() as n:
        response, page = get(client, "/")
    assert n.count == 2, n.statements  # the home page's own: featured courses, categories
    assert page.titles == ["Lumen Learning · learn, teach, get certified"]
    assert page.canonical() == [BASE + "/"]
    assert (f"/courses/{shown.slug}", "Visible <course>") in page.anchors
    assert ("/courses?category=" + category.slug, "Design") in page.anchors
    assert "Draft course" not in response.text and hidden.slug not in response.text
    [items] = page.of_type("ItemList")
    assert [i["item"]["url"] for i in items["itemListElement"]] == [f"{BASE}/courses/{shown.slug}"]
    assert page.of_type("WebSite")[0]["potentialAction"]["target"] == BASE + "/courses?q={search_term_string}"


def test_catalog_lists_the_first_page_and_links_the_next(client, make_course, count_queries):
    courses = [make_course(title=f"Catalog course {i:02d}") for i in range(14)]
    make_course(title="Pending course", status="pending")
    with count_queries() as n:
        response, page = get(client, "/courses")
    assert n.count == 3, n.statements  # the catalog page's own: page, total, categories
    assert page.titles == ["Courses · Lumen Learning"] and page.canonical() == [BASE + "/courses"]
    listed = [href for href, _ in page.anchors if href.startswith("/courses/")]
    assert len(listed) == 12 and set(listed) <= {f"/courses/{c.slug}" for c in courses}
    assert any(text == "Next page" for _, text in page.anchors)
    assert "Pending course" not in response.text
    assert len(page.of_type("ItemList")[0]["itemListElement"]) == 12
    # /courses/ (what the static export redirects to) is the same page under the same canonical URL.
    _, slash = get(client, "/courses/")
    assert slash.canonical() == [BASE + "/courses"]
    # A search is noindex; its title says what was searched, escaped.
    response, search = get(client, "/courses?q=<script>catalog")
    assert search.meta("robots") == ["noindex"] and search.titles == ["Search results for “<script>catalog” · Lumen Learning"]
    assert "<script>catalog" not in response.text


def test_without_an_exported_frontend_the_text_is_served_as_a_plain_document(use_env, monkeypatch, make_course):
    use_env(LMS_PUBLIC_URL=BASE)
    monkeypatch.setattr(public_html, "static_dir", lambda: None)
    course = make_course(title="Backend only")
    with TestClient(build_api()) as client:
        response, page = get(client, f"/courses/{course.slug}")
    assert page.titles == ["Backend only · Lumen Learning"] and "Backend only" in page.text
    assert "<noscript>" not in response.text


def test_inject_replaces_the_build_head_tags_and_keeps_react_first():
    page = public_html.PublicPage(title="T", description="D", path="/x", body="<p>Body</p>")
    out = public_html.inject(SHELL, page, BASE, "Site")
    assert out.count("<title>") == 1 and "favicon.ico" not in out and "Course details" not in out
    # React's own tags keep their places; ours come after them (React 19 skips them when hydrating).
    assert out.index("document.documentElement") < out.index("<title>T</title>") < out.index("</head>")
    assert out.index("entry.client") < out.index("<noscript>") < out.index("</body>")
    assert out.endswith("</body></html>")


def test_json_ld_cannot_close_its_script_element():
    script = public_html.json_ld_script({"name": "</script><script>alert(1)</script><!--", "x": "a&b"})
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner
    assert json.loads(inner) == {"name": "</script><script>alert(1)</script><!--", "x": "a&b"}


@pytest.mark.parametrize(("minor", "currency", "expected"), [
    (4900, "USD", "49.00"), (5, "EUR", "0.05"), (0, "GBP", "0.00"), (4900, "JPY", "4900"), (1234, "KWD", "1.234"),
    (-150, "USD", "-1.50")])
def test_decimal_amount(minor, currency, expected):
    assert decimal_amount(minor, currency) == expected


# --- /verify/<number> ---------------------------------------------------------------------------

def test_verify_page_carries_the_public_facts_only(client, make_course, make_user, enroll, sign_in, count_queries):
    from tests.unit.certificates.cert_support import certified

    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in, name="Ada <Lovelace>", title="Maths & more")
    with count_queries() as n:
        response, page = get(client, f"/verify/{cert.number}")
    assert n.count == 2, n.statements  # the verify page's own: certificate, holder's account state
    assert page.titles == ["Certificate: Maths & more — Ada <Lovelace> · Lumen Learning"]
    assert page.meta("robots") == ["noindex"]  # never indexed: a search for a name must not list certificates
    assert page.canonical() == [f"{BASE}/verify/{cert.number}"] and page.one("og:url") == f"{BASE}/verify/{cert.number}"
    assert "valid" in page.one("description") and cert.number in page.one("description")
    for text in ("This certificate is valid.", "Ada <Lovelace>", "Maths & more", cert.teacher_name, cert.number):
        assert text in page.text, text
    assert learner.email not in response.text and "Ada <Lovelace>" not in response.text  # escaped in the source


def test_revoked_and_unknown_certificates(client, make_course, make_user, enroll, sign_in):
    from lms_app.certificates.services import issuing as certificates
    from lms_app.core.sessions import Actor
    from tests.unit.certificates.cert_support import certified

    cert, *_ = certified(make_course, make_user, enroll, sign_in)
    admin = make_user(role="admin")
    with lms_app.core.db.session_scope() as s:
        certificates.revoke(s, Actor(user_id=admin.id, role="admin", session_id=0), cert.number, "Copied work")
    response, page = get(client, f"/verify/{cert.number}")
    assert page.titles == ["Revoked certificate · Lumen Learning"] and page.meta("robots") == ["noindex"]
    assert "was revoked on" in page.one("description") and "Copied work" not in response.text
    unknown, page = get(client, "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", status=404)
    assert page.titles == ["Certificate not found · Lumen Learning"] and page.meta("robots") == ["noindex"]
    assert "AAAA-BBBB" not in unknown.text  # what was typed is not echoed
    get(client, "/verify/%3Cscript%3E", status=404)


def test_robots_txt_names_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *" and f"Sitemap: {BASE}/sitemap.xml" in lines
    assert {"Disallow: /api/", "Disallow: /admin", "Disallow: /learn/"} <= set(lines)
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    for public_path in ("/", "/courses", "/courses/python", "/verify/ABCD-EFGH"):
        assert not any(public_path.startswith(prefix) for prefix in disallowed), public_path
    assert "forged-host" not in response.text
