"""Catalog service: visibility, search on both backends, filters, sorts, keyset pages, query counts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, text
from sqlmodel import select

from lms_app.core.courses import Category, Course
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.catalog.services import queries as catalog, params as catalog_params, search as catalog_search
from lms_app.accounts.services import passwords
from lms_app.core.course_fields import search_text_for

IS_PG = None


def params(**query) -> catalog_params.CatalogParams:
    return catalog_params.parse_params({k: str(v) for k, v in query.items()})


def titles(page) -> list[str]:
    return [c["title"] for c in page["courses"]]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def course(make_course):
    """make_course that keeps search_text maintained the way the authoring services do."""

    def factory(teacher=None, published_at=None, **kw):
        row = make_course(teacher=teacher, **kw)
        import lms_app.core.db

        with lms_app.core.db.session_scope() as s:
            c = s.get(Course, row.id)
            if published_at is not None:
                c.published_at = published_at
            name = s.get(User, c.teacher_id).name
            c.search_text = search_text_for(c.title, c.subtitle, c.description, name)
            s.add(c)
        return row

    return factory


# --- who sees what ---------------------------------------------------------------------------

def test_only_published_courses_are_listed_or_counted(db, make_user, course):
    teacher = make_user(role="teacher")
    course(teacher=teacher, title="Visible course")
    for status in ("draft", "pending", "rejected", "archived"):
        course(teacher=teacher, status=status, title=f"Hidden {status} course")
    for p in (params(), params(q="course"), params(sort="students"), params(q="hidden")):
        page = catalog_search.search_courses(db, p)
        assert all(c["status"] == "published" for c in page["courses"])
        assert not any("Hidden" in t for t in titles(page)), titles(page)
    assert titles(catalog_search.search_courses(db, params())) == ["Visible course"]
    assert catalog_search.search_courses(db, params())["total"] == 1
    assert catalog_search.search_courses(db, params(q="hidden"))["total"] == 0


# --- search ----------------------------------------------------------------------------------

def test_search_matches_title_subtitle_description_and_teacher_name(db, make_user, course):
    ada = make_user(role="teacher", name="Ada Lovelace")
    course(teacher=ada, title="Engines of thought")
    course(title="Gardening basics", subtitle="Grow tomatoes on a balcony")
    course(title="Cooking", description="We bake sourdough bread together.")
    course(title="Unrelated")
    assert titles(catalog_search.search_courses(db, params(q="lovelace"))) == ["Engines of thought"]
    assert titles(catalog_search.search_courses(db, params(q="tomatoes"))) == ["Gardening basics"]
    assert titles(catalog_search.search_courses(db, params(q="sourdough"))) == ["Cooking"]
    assert titles(catalog_search.search_courses(db, params(q="Ada Lovelace"))) == ["Engines of thought"]
    assert catalog_search.search_courses(db, params(q="nothing-like-this"))["total"] == 0


def test_search_ranks_title_matches_above_description_matches(db, course):
    older = utcnow() - timedelta(days=30)
    course(title="Cooking for beginners", description="Knife skills and sauces.", published_at=older)
    course(title="Weekend projects", description="Includes a little cooking, among other things.",
           student_count=999)
    course(title="Balcony life", subtitle="Cooking outdoors in small spaces", student_count=500)
    page = catalog_search.search_courses(db, params(q="cooking"))
    assert titles(page) == ["Cooking for beginners", "Balcony life", "Weekend projects"]


@pytest.mark.postgres
def test_postgres_search_broader_than_the_rank_cap_lists_matches_by_popularity(db, course, monkeypatch):
    course(title="Cooking for beginners", student_count=1)
    course(title="Weekend projects", description="Includes a little cooking.", student_count=50)
    course(title="Balcony life", subtitle="Cooking outdoors in small spaces", student_count=10)
    monkeypatch.setattr(catalog_search, "RANK_CAP", 3)  # at the cap: ranked by text
    page = catalog_search.search_courses(db, params(q="cooking"))
    assert titles(page) == ["Cooking for beginners", "Balcony life", "Weekend projects"]
    assert page["total_label"] == "3"
    monkeypatch.setattr(catalog_search, "RANK_CAP", 2)  # broader than the cap: by popularity
    page = catalog_search.search_courses(db, params(q="cooking"))
    assert titles(page) == ["Weekend projects", "Balcony life", "Cooking for beginners"]
    assert page["total_label"] == "2+"


@pytest.mark.postgres
def test_postgres_broad_search_pages_walk_every_match_once(db, monkeypatch):
    monkeypatch.setattr(catalog_search, "RANK_CAP", 10)
    bulk(db, 30)
    seen, page = [], catalog_search.search_courses(db, params(q="python", size=12))
    while True:
        seen += [c["id"] for c in page["courses"]]
        if not page["has_next"]:
            break
        page = catalog_search.search_courses(db, catalog_params.parse_params(query_of(page["next_url"])))
    assert len(seen) == 30 == len(set(seen))


@pytest.mark.postgres
def test_postgres_search_is_full_text_with_stemming_and_uses_the_gin_index(db, course):
    course(title="Running a small business")
    course(title="Walking tours", description="Someone runs through the city.")
    found = titles(catalog_search.search_courses(db, params(q="run")))
    assert found == ["Running a small business", "Walking tours"]  # stems: run ~ running ~ runs
    names = db.exec(text("SELECT indexname FROM pg_indexes WHERE tablename = 'courses'")).scalars().all()
    assert "ix_courses_search_vector" in names
    db.exec(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.exec(text(
        "EXPLAIN SELECT id FROM courses WHERE search_vector @@ websearch_to_tsquery('english', 'run')"
    )).scalars().all())
    assert "ix_courses_search_vector" in plan, plan


@pytest.mark.postgres
def test_postgres_search_vector_follows_title_changes(db, course):
    row = course(title="Quantum basics")
    assert titles(catalog_search.search_courses(db, params(q="quantum"))) == ["Quantum basics"]
    db.exec(text("UPDATE courses SET title = 'Classical mechanics', search_text = 'Classical mechanics' WHERE id = :i").bindparams(i=row.id))
    db.commit()
    assert catalog_search.search_courses(db, params(q="quantum"))["total"] == 0


def test_search_text_with_sql_and_like_wildcards_is_just_text(db, course):
    course(title="100% practical")
    course(title="Other")
    assert catalog_search.search_courses(db, params(q="%"))["total"] in (0, 1)  # never "everything"
    assert catalog_search.search_courses(db, params(q="'; DROP TABLE courses; --"))["total"] == 0
    assert catalog_search.search_courses(db, params(q="practical"))["total"] == 1


# --- filters ---------------------------------------------------------------------------------

def test_each_filter(db, make_category, course):
    web, data = make_category(name="Web"), make_category(name="Data")
    a = course(title="A", category=web, level="beginner", language="en", price_minor=0)
    b = course(title="B", category=web, level="advanced", language="es", price_minor=2500, rating_avg=4.6,
               rating_count=10)
    c = course(title="C", category=data, level="beginner", language="en", price_minor=9900, rating_avg=3.2,
               rating_count=3)
    assert titles(catalog_search.search_courses(db, params(category=web.slug, sort="price_asc"))) == ["A", "B"]
    assert titles(catalog_search.search_courses(db, params(level="beginner", sort="price_asc"))) == ["A", "C"]
    assert titles(catalog_search.search_courses(db, params(language="es"))) == ["B"]
    assert titles(catalog_search.search_courses(db, params(free=1))) == ["A"]
    assert titles(catalog_search.search_courses(db, params(price_min=20, price_max=50))) == ["B"]
    assert titles(catalog_search.search_courses(db, params(price_min=50, sort="price_asc"))) == ["C"]
    assert titles(catalog_search.search_courses(db, params(rating=4.5))) == ["B"]
    assert titles(catalog_search.search_courses(db, params(rating=3, sort="rating"))) == ["B", "C"]
    assert titles(catalog_search.search_courses(db, params(category=web.slug, level="advanced", language="es"))) == ["B"]
    assert catalog_search.search_courses(db, params(category="no-such-category"))["total"] == 0
    assert {a.id, b.id, c.id} == {x["id"] for x in catalog_search.search_courses(db, params())["courses"]}


def test_invalid_url_values_fall_back_to_defaults():
    p = catalog_params.parse_params({"level": "guru", "language": "xx", "price_min": "-5", "price_max": "abc",
                              "rating": "2.7", "sort": "DROP", "size": "5000", "page": "0", "category": "../etc",
                              "q": "  many   spaces  " + "x" * 300, "after": "!!!"})
    assert (p.level, p.language, p.price_min, p.price_max, p.rating, p.sort, p.size, p.page, p.category) == (
        "", "", None, None, None, "", catalog_params.DEFAULT_PAGE_SIZE, 1, "")
    assert p.q.startswith("many spaces") and len(p.q) == catalog_params.MAX_QUERY_LENGTH
    assert p.after == ""  # page 1 never uses a cursor
    swapped = catalog_params.parse_params({"price_min": "50", "price_max": "10"})
    assert (swapped.price_min, swapped.price_max) == (10, 50)


def test_garbage_cursor_shows_a_page_instead_of_failing(db, course):
    course(title="Only")
    for cursor in ("!!!", "e30", "WzEsMl0", "WyJ4IiwxXQ", "WyIyMDI2LTAxLTAxIiwxXQ"):
        page = catalog_search.search_courses(db, catalog_params.parse_params({"page": "2", "after": cursor}))
        assert page["total"] == 1


# --- sorts -----------------------------------------------------------------------------------

def test_each_sort(db, course):
    now = utcnow()
    course(title="Old cheap", published_at=now - timedelta(days=9), price_minor=100, rating_avg=4.9,
           rating_count=2, student_count=5)
    course(title="New pricey", published_at=now - timedelta(days=1), price_minor=9000, rating_avg=3.0,
           rating_count=8, student_count=50)
    course(title="Mid", published_at=now - timedelta(days=5), price_minor=2000, rating_avg=4.0, rating_count=1,
           student_count=500)
    expect = {
        "newest": ["New pricey", "Mid", "Old cheap"],
        "price_asc": ["Old cheap", "Mid", "New pricey"],
        "price_desc": ["New pricey", "Mid", "Old cheap"],
        "rating": ["Old cheap", "Mid", "New pricey"],
        "students": ["Mid", "New pricey", "Old cheap"],
    }
    for sort, wanted in expect.items():
        assert titles(catalog_search.search_courses(db, params(sort=sort))) == wanted, sort
    assert titles(catalog_search.search_courses(db, params())) == expect["newest"]  # default without a query
    assert catalog_params.parse_params({"q": "x"}).effective_sort == "relevance"
    assert catalog_params.parse_params({}).effective_sort == "newest"


# --- pages -----------------------------------------------------------------------------------

def bulk(db, n: int, start: int = 0, **over) -> None:
    now = utcnow()
    cats = db.exec(select(Category).order_by(Category.id)).all()
    teachers = db.exec(select(User).where(User.role == "teacher").order_by(User.id)).all()
    if not cats:
        cats = [Category(name=f"Cat {i}", slug=f"cat-{i}", position=i) for i in range(4)]
        teachers = [User(email=f"bulk{i}@example.com", name=f"Bulk Teacher {i}", role="teacher",
                         password_hash=passwords.hash_password("x" * 12, 4)) for i in range(3)]
        db.add_all(cats + teachers)
        db.flush()
    rows = []
    for i in range(start, start + n):
        row = dict(slug=f"bulk-{i}", title=f"Bulk course {i}", subtitle="", description="python and data",
                   category_id=cats[i % len(cats)].id, teacher_id=teachers[i % len(teachers)].id, level="beginner",
                   language="en", price_minor=(i % 7) * 500, currency="USD", status="published",
                   rating_avg=(i % 50) / 10, rating_count=i % 4, student_count=i % 13, created_at=now,
                   updated_at=now, published_at=now - timedelta(minutes=i % 17), search_text=f"Bulk course {i} python")
        row.update(over)
        rows.append(row)
    db.execute(insert(Course), rows)
    db.commit()
    db.expunge_all()


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "rating", "students", "relevance"])
def test_walking_next_pages_visits_every_course_once_and_prev_comes_back(db, sort):
    bulk(db, 61)
    p = params(sort=sort, size=12, **({"q": "python"} if sort == "relevance" else {}))
    seen, pages, page = [], [], catalog_search.search_courses(db, p)
    while True:
        pages.append(page)
        seen += [c["id"] for c in page["courses"]]
        if not page["has_next"]:
            break
        page = catalog_search.search_courses(db, catalog_params.parse_params(query_of(page["next_url"])))
    assert len(seen) == 61 == len(set(seen)) and len(pages) == 6
    assert [pg["page"] for pg in pages] == [1, 2, 3, 4, 5, 6] and pages[0]["pages"] == 6
    # Going back from the last page returns exactly the pages seen on the way forward.
    page = pages[-1]
    for expected in reversed(pages[:-1]):
        assert page["has_prev"]
        page = catalog_search.search_courses(db, catalog_params.parse_params(query_of(page["prev_url"])))
        assert [c["id"] for c in page["courses"]] == [c["id"] for c in expected["courses"]]
        assert page["page"] == expected["page"]
    assert not page["has_prev"]


def test_bare_page_number_works_with_offset(db):
    bulk(db, 30)
    by_cursor = catalog_search.search_courses(db, params(size=12))
    by_cursor = catalog_search.search_courses(db, catalog_params.parse_params(query_of(by_cursor["next_url"])))
    by_number = catalog_search.search_courses(db, params(size=12, page=2))
    assert [c["id"] for c in by_number["courses"]] == [c["id"] for c in by_cursor["courses"]]
    assert by_number["page"] == 2 and by_number["has_prev"] and by_number["has_next"]


@pytest.mark.parametrize("size", [12, 48])
def test_catalog_page_needs_at_most_three_queries_whatever_the_size(db, count_queries, size):
    counts = {}
    have = 0
    for total in (400, 2000):
        bulk(db, total - have, start=have)
        have = total
        for label, p in (("browse", params(size=size)),
                         ("search", params(size=size, q="python", category="cat-1", sort="rating"))):
            with count_queries() as n:
                first = catalog_search.search_courses(db, p)
            assert len(first["courses"]) == size and first["next_url"]
            with count_queries() as m:
                later = catalog_search.search_courses(db, catalog_params.parse_params(query_of(first["next_url"])))
            assert len(later["courses"]) == size
            counts[(total, label)] = (n.count, m.count)
    assert all(a <= 3 and b <= 3 for a, b in counts.values()), counts
    for label in ("browse", "search"):  # the catalog's size changes nothing
        assert counts[(400, label)] == counts[(2000, label)], counts


# --- URLs ------------------------------------------------------------------------------------

def test_url_round_trip():
    query = {"q": "python data", "category": "programming", "level": "beginner", "language": "es",
             "price_min": "5", "price_max": "60", "rating": "4.5", "sort": "price_desc", "size": "24"}
    p = catalog_params.parse_params(query)
    assert catalog_params.to_query(p) == query
    assert catalog_params.parse_params(query_of(catalog_params.catalog_url(p))) == p
    assert catalog_params.catalog_url(catalog_params.CatalogParams()) == "/courses"
    # Changing a filter starts again from page 1.
    deep = catalog_params.parse_params({**query, "page": "7", "after": "abc"})
    assert "page" not in query_of(catalog_params.catalog_url(deep, level="advanced"))
    assert catalog_params.to_query(catalog_params.parse_params({"free": "1"})) == {"free": "1"}


def test_chips_and_facet_links_remove_or_apply_one_filter(db, make_category, course):
    cat = make_category(name="Web")
    course(title="W", category=cat)
    p = params(category=cat.slug, level="beginner", q="w")
    page = catalog_search.search_courses(db, p)
    by_label = {c["label"]: query_of(c["remove_url"]) for c in page["chips"]}
    assert "category" not in by_label["Web"] and by_label["Web"]["level"] == "beginner"
    assert "level" not in by_label["Beginner"] and by_label["Beginner"]["category"] == cat.slug
    web = next(link for link in page["category_links"] if link["label"] == "Web")
    assert web["active"] and "category" not in query_of(web["url"])
    adv = next(link for link in page["level_links"] if link["label"] == "Advanced")
    assert not adv["active"] and query_of(adv["url"])["level"] == "advanced"
    assert query_of(page["clear_url"]) == {"q": "w"}


def test_sitemap_lists_published_courses_only(db, course):
    course(title="Live")
    hidden = course(title="Hidden", status="draft")
    from lms_app.catalog.api import sitemap_xml

    xml = sitemap_xml("https://lms.example", catalog.published_course_slugs(db))
    assert "https://lms.example/courses/course-" in xml and f"/courses/{hidden.slug}<" not in xml
    assert "<loc>https://lms.example/courses</loc>" in xml


def test_sitemap_routes_serve_published_courses(course, use_env):
    from starlette.testclient import TestClient

    from lms_app.core.http import build_api

    use_env(LMS_PUBLIC_URL="https://lms.example")  # links come from it, not from the Host header
    live, hidden = course(title="Live one"), course(title="Hidden one", status="pending")
    client = TestClient(build_api(), base_url="https://other-host.example")
    for path in ("/sitemap.xml", "/sitemap-courses.xml"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        assert f"<loc>https://lms.example/courses/{live.slug}</loc>" in response.text
        assert f"/courses/{hidden.slug}<" not in response.text
        assert "other-host" not in response.text
