"""The HTML the server sends for the home page, the catalog and course pages (core/public_html.py).

Each renderer calls the service its page calls (``home_page``, ``search_courses``,
``public_course``), so the text a reader without JavaScript gets is the page's own, in the
page's own query budget: home 2 queries, catalog 3, a course 2. Only published courses appear;
a draft, archived or unknown slug answers 404 with "Course not found" and ``noindex``, and the
same text whatever the course's state, so its existence is not revealed either.
"""

from __future__ import annotations

from sqlmodel import Session

from lms_app.catalog.services import course_page, params as catalog_params
from lms_app.catalog.services.queries import home_page
from lms_app.catalog.services.search import search_courses
from lms_app.core.money import decimal_amount
from lms_app.core.public_html import PublicPage, esc, link, paragraphs, public_page_route
from lms_app.core.settings import get_settings

HOME_TITLE_SUFFIX = "learn, teach, get certified"
HOME_DESCRIPTION = ("Open-source learning platform: courses, progress that never gets lost, "
                    "verifiable certificates.")
CATALOG_DESCRIPTION = "Learn from teachers who use what they teach. Filter by topic, level, language and price."
NOT_FOUND_DESCRIPTION = "It may have been renamed, unpublished, or the link is mistyped."
LEVELS = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}


def organization(site: str, base: str) -> dict:
    return {"@type": "Organization", "name": site, "url": base.rstrip("/") + "/"}


def _course_list(courses, site: str, base: str) -> tuple[str, dict]:
    """A linked list of course cards, and the same list as a schema.org ItemList of Courses."""
    items = "".join(
        "<li>" + link("/courses/" + c["slug"], c["title"])
        + (f" — {esc(c['subtitle'])}" if c["subtitle"] else "")
        + f" <small>{esc(c['teacher_name'])} · {esc(c['price_label'])}</small></li>"
        for c in courses)
    ld = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": i, "item": {
            "@type": "Course", "name": c["title"], "description": c["subtitle"] or c["title"],
            "url": f"{base}/courses/{c['slug']}", "provider": organization(site, base),
            **({"isAccessibleForFree": True} if c["is_free"] else {})}}
        for i, c in enumerate(courses, start=1)]}
    return (f"<ul>{items}</ul>" if items else "<p>No courses are published yet.</p>"), ld


def render_home(session: Session, params: dict, base: str) -> PublicPage:
    site = get_settings().site_name
    featured, categories = home_page(session)
    courses_html, item_list = _course_list(featured, site, base)
    category_html = "".join(
        "<li>" + link("/courses?category=" + c["slug"], c["name"]) + f" ({c['course_count']})</li>" for c in categories)
    body = (f"<h1>{esc(site)}</h1><p>{esc(HOME_DESCRIPTION)}</p>"
            f"<h2>Featured courses</h2>{courses_html}<p>{link('/courses', 'Browse all courses')}</p>"
            + (f"<h2>Browse by category</h2><ul>{category_html}</ul>" if category_html else ""))
    website = {"@context": "https://schema.org", "@type": "WebSite", "name": site, "url": f"{base}/",
               "publisher": organization(site, base),
               "potentialAction": {"@type": "SearchAction", "target": f"{base}/courses?q={{search_term_string}}",
                                   "query-input": "required name=search_term_string"}}
    return PublicPage(title=f"{site} · {HOME_TITLE_SUFFIX}", description=HOME_DESCRIPTION, path="/",
                      json_ld=[website, item_list], body=body)


def render_catalog(session: Session, params: dict, base: str) -> PublicPage:
    site = get_settings().site_name
    parsed = catalog_params.parse_params(params)
    result = search_courses(session, parsed)
    courses_html, item_list = _course_list(result["courses"], site, base)
    pager = " ".join(part for part in (
        link(result["prev_url"], "Previous page") if result["has_prev"] else "",
        link(result["next_url"], "Next page") if result["has_next"] else "") if part)
    heading = "Search results" if parsed.q else "Explore courses"
    body = (f"<h1>{esc(heading)}</h1><p>{esc(CATALOG_DESCRIPTION)}</p>"
            f"<p>{esc(result['total_label'])} course{'' if result['total'] == 1 else 's'}</p>{courses_html}"
            + (f"<nav>{pager}</nav>" if pager else ""))
    title = f"Search results for “{parsed.q}” · {site}" if parsed.q else f"Courses · {site}"
    # Search results are not pages to index (endless, thin); filters and pages are, under their
    # normalised URL (the same one the page's own links use).
    return PublicPage(title=title, description=CATALOG_DESCRIPTION, path=catalog_params.catalog_url(parsed),
                      noindex=bool(parsed.q), json_ld=[item_list], body=body)


def course_json_ld(found, site: str, base: str) -> dict:
    detail, modules = found["detail"], found["modules"]
    url = f"{base}/courses/{detail['slug']}"
    offer = {"@type": "Offer", "category": "Free" if detail["is_free"] else "Paid",
             "price": decimal_amount(found["price_minor"], found["currency"]),
             "priceCurrency": found["currency"].upper(), "url": url, "availability": "https://schema.org/InStock"}
    data = {
        "@context": "https://schema.org", "@type": "Course", "name": detail["title"],
        "description": found["meta_description"], "url": url, "provider": organization(site, base),
        "inLanguage": detail["language"], "educationalLevel": LEVELS.get(detail["level"], detail["level"]),
        "isAccessibleForFree": detail["is_free"],
        "offers": [offer] + [{**offer, "price": decimal_amount(p["price_minor"], p["currency"]),
                              "priceCurrency": p["currency"]} for p in detail.get("prices", []) if not p["primary"]],
        "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "Online",
                               "instructor": {"@type": "Person", "name": detail["teacher_name"]}}],
        "syllabusSections": [{"@type": "Syllabus", "name": m["title"],
                              "description": "; ".join(lesson["title"] for lesson in m["lessons"])}
                             for m in modules],
    }
    if detail["thumbnail_url"]:
        data["image"] = base + detail["thumbnail_url"]
    if detail["category_name"]:
        data["about"] = detail["category_name"]
    if detail["outcomes"]:
        data["teaches"] = detail["outcomes"]
    if found["published_on"]:
        data["datePublished"] = found["published_on"]
    if detail["rating_count"]:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": detail["rating_label"],
                                   "ratingCount": detail["rating_count"], "bestRating": 5, "worstRating": 1}
    return data


def render_course(session: Session, params: dict, base: str) -> PublicPage:
    site = get_settings().site_name
    slug = params.get("slug")
    found = course_page.public_course(session, slug)
    if found is None:
        return PublicPage(title=f"Course not found · {site}", description=NOT_FOUND_DESCRIPTION,
                          path="/courses", status=404, noindex=True,
                          body=f"<h1>We could not find that course</h1><p>{esc(NOT_FOUND_DESCRIPTION)}</p>"
                               f"<p>{link('/courses', 'Browse the catalog')}</p>")
    detail, modules = found["detail"], found["modules"]
    facts = [detail["teacher_name"] and f"Teacher: {detail['teacher_name']}",
             detail["category_name"] and f"Category: {detail['category_name']}",
             LEVELS.get(detail["level"], detail["level"]), detail["price_label"],
             f"{detail['lesson_count']} lessons", detail["duration_label"],
             f"Rating {detail['rating_label']} ({detail['rating_count']})" if detail["rating_count"] else ""]
    curriculum = "".join(
        f"<li>{esc(m['title'])}<ol>" + "".join(f"<li>{esc(lesson['title'])}</li>" for lesson in m["lessons"])
        + "</ol></li>" for m in modules)
    outcomes = "".join(f"<li>{esc(o)}</li>" for o in detail["outcomes"])
    body = (f"<article><h1>{esc(detail['title'])}</h1>"
            + (f"<p>{esc(detail['subtitle'])}</p>" if detail["subtitle"] else "")
            + f"<p>{esc(' · '.join(f for f in facts if f))}</p>"
            + (f"<h2>What you will learn</h2><ul>{outcomes}</ul>" if outcomes else "")
            + f"<h2>About this course</h2>{paragraphs(detail['description'])}"
            + (f"<h2>Curriculum</h2><ol>{curriculum}</ol>" if curriculum else "")
            + (f"<h2>Your teacher</h2><p>{esc(detail['teacher_name'])}</p>{paragraphs(detail['teacher_bio'])}")
            + "<p>" + link("/login?next=/courses/" + detail["slug"], "Sign in to enroll") + "</p></article>")
    return PublicPage(title=f"{detail['title']} · {site}", description=found["meta_description"],
                      path=f"/courses/{detail['slug']}", og_type="website", image=detail["thumbnail_url"],
                      image_alt=detail["title"], json_ld=[course_json_ld(found, site, base)], body=body)


ROUTES = [
    public_page_route("/", render_home),
    public_page_route("/courses", render_catalog),
    public_page_route("/courses/", render_catalog),
    public_page_route("/courses/{slug}", render_course),
]
