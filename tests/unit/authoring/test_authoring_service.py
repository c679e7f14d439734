"""Authoring services: validation, nothing half-saved, dense positions, files settle after commit."""

from __future__ import annotations

import pytest
from authoring_support import EXE, MP4, PDF, actor_of, build_course, call, get_course, positions
from sqlmodel import func, select

from lms_app.core.db import session_scope
from lms_app.core.courses import Course, Lesson, Module
from lms_app.authoring.services import courses as authoring, checks as authoring_checks, curriculum
from lms_app.core import lesson_types
from lms_app.core.errors import ServiceError


def good_form(**over):
    form = {"title": "Python for Reporters", "subtitle": "Short", "description": "# Hello\n\nBody", "slug": "",
            "category_id": "", "level": "beginner", "language": "en", "currency": "USD", "price": "49.99",
            "outcomes": "Read CSV\nPlot data"}
    form.update(over)
    return form


def test_create_course_makes_a_draft_with_a_unique_slug(make_user):
    teacher = make_user(role="teacher", name="Tina Teach")
    me = actor_of(teacher)
    first = call(authoring.create_course, me, "  Python   Basics ")
    second = call(authoring.create_course, me, "Python Basics")
    assert (first.slug, second.slug) == ("python-basics", "python-basics-2")
    assert first.status == "draft" and first.title == "Python Basics" and first.teacher_id == teacher.id
    assert "Tina Teach" in first.search_text


@pytest.mark.parametrize("title", ["", "   ", "ab", None, 42, ["x"], "x" * 161])
def test_create_course_refuses_bad_titles(make_user, title):
    me = actor_of(make_user(role="teacher"))
    with pytest.raises(ServiceError) as err:
        call(authoring.create_course, me, title)
    assert err.value.field == "title" and err.value.message
    with session_scope() as s:
        assert s.exec(select(func.count(Course.id))).one() == 0


def test_learner_cannot_create_a_course(make_user):
    with pytest.raises(ServiceError):
        call(authoring.create_course, actor_of(make_user(role="learner")), "A fine title")


def test_update_details_saves_everything(make_user, make_category):
    teacher = make_user(role="teacher")
    cat = make_category()
    c = build_course(teacher)
    course, cleaned = call(authoring.update_details, actor_of(teacher), c["id"],
                           good_form(category_id=str(cat.id), slug="py-reporters", currency="EUR", price="1,234.50"))
    assert not cleaned
    row = get_course(c["id"])
    assert (row.title, row.slug, row.category_id, row.price_minor, row.currency) == (
        "Python for Reporters", "py-reporters", cat.id, 123450, "EUR")
    assert row.outcomes == ["Read CSV", "Plot data"]
    assert "Python for Reporters" in row.search_text and "Body" in row.search_text


@pytest.mark.parametrize("over, field", [
    ({"title": ""}, "title"),
    ({"price": "-1"}, "price"),
    ({"price": "100000.01"}, "price"),
    ({"price": "1e9"}, "price"),
    ({"price": "NaN"}, "price"),
    ({"price": "abc"}, "price"),
    ({"price": "1.234"}, "price"),
    ({"currency": "XXX"}, "currency"),
    ({"level": "expert"}, "level"),
    ({"language": "klingon"}, "language"),
    ({"category_id": "999999"}, "category_id"),
    ({"outcomes": "\n".join(f"point {i}" for i in range(11))}, "outcomes"),
    ({"outcomes": "x" * 161}, "outcomes"),
    ({"slug": "Bad Slug!"}, "slug"),
])
def test_bad_details_are_refused_and_nothing_is_saved(make_user, over, field):
    teacher = make_user(role="teacher")
    c = build_course(teacher, title="Original title")
    with pytest.raises(authoring_checks.FormErrors) as err:
        call(authoring.update_details, actor_of(teacher), c["id"], good_form(**over))
    assert field in err.value.errors and err.value.errors[field]
    row = get_course(c["id"])
    assert row.title == "Original title" and row.price_minor == 0 and row.outcomes == []


def test_duplicate_slug_is_refused_with_a_clear_message(make_user):
    teacher = make_user(role="teacher")
    a = build_course(teacher, title="First course")
    b = build_course(teacher, title="Second course")
    with pytest.raises(authoring_checks.FormErrors) as err:
        call(authoring.update_details, actor_of(teacher), b["id"], good_form(slug=a["slug"]))
    assert "already used" in err.value.errors["slug"]
    assert get_course(b["id"]).slug == b["slug"]


def test_price_limits():
    assert authoring_checks.parse_price("0", "USD") == 0
    assert authoring_checks.parse_price("100000", "USD") == 10_000_000
    assert authoring_checks.parse_price("4900", "JPY") == 4900
    with pytest.raises(ServiceError):
        authoring_checks.parse_price("100000.01", "USD")
    with pytest.raises(ServiceError):
        authoring_checks.parse_price(True, "USD")


def test_markdown_in_description_is_neutralised(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher)
    evil = ("Hi <script>alert(1)</script> [x](javascript:alert(1)) [y](JaVa&#115;cript:alert(2)) "
            "<img src=x onerror=alert(3)> <a href=\"javascript:alert(4)\">a</a> `<script>` kept")
    _, cleaned = call(authoring.update_details, actor_of(teacher), c["id"], good_form(description=evil))
    assert cleaned
    text = get_course(c["id"]).description
    assert "<script>alert" not in text and "onerror" not in text and "javascript:" not in text.lower()
    assert "&#115;cript" not in text and "`<script>` kept" in text


def test_reorder_within_and_across_modules_keeps_positions_dense(make_user):
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    c = build_course(teacher, modules=2, lessons=3)
    m1, m2 = c["modules"]
    l = c["lessons"]
    call(curriculum.move_lesson, me, l[2], m1, 0)  # last to first in the same module
    assert positions(c["id"])[m1] == [(l[2], 0), (l[0], 1), (l[1], 2)]
    call(curriculum.move_lesson, me, l[0], m2, 1)  # into the middle of the other module
    pos = positions(c["id"])
    assert pos[m1] == [(l[2], 0), (l[1], 1)]
    assert pos[m2] == [(l[3], 0), (l[0], 1), (l[4], 2), (l[5], 3)]
    call(curriculum.move_lesson, me, l[3], m2, 99)  # past the end clamps
    assert [x for x, _ in positions(c["id"])[m2]][-1] == l[3]
    call(curriculum.delete_lesson, get_settings(), me, l[4])
    for rows in positions(c["id"]).values():
        assert [p for _, p in rows] == list(range(len(rows)))
    call(curriculum.move_module, me, m2, 0)
    with session_scope() as s:
        order = s.exec(select(Module.id).where(Module.course_id == c["id"]).order_by(Module.position)).all()
    assert order == [m2, m1]


def test_move_lesson_to_another_courses_module_is_refused(make_user):
    teacher = make_user(role="teacher")
    a, b = build_course(teacher), build_course(teacher, title="Other course")
    with pytest.raises(ServiceError):
        call(curriculum.move_lesson, actor_of(teacher), a["lessons"][0], b["modules"][0], 0)
    with session_scope() as s:
        assert s.get(Lesson, a["lessons"][0]).module_id == a["modules"][0]


def test_duration_is_derived_from_lessons(make_user):
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    c = build_course(teacher, modules=1, lessons=2)
    call(curriculum.set_lesson_content, me, c["lessons"][0], {"title": "One", "minutes": "10", "body": "x"})
    call(curriculum.set_lesson_content, me, c["lessons"][1], {"title": "Two", "minutes": 5, "body": "y"})
    assert get_course(c["id"]).duration_seconds == 15 * 60
    call(curriculum.delete_lesson, get_settings(), me, c["lessons"][0])
    assert get_course(c["id"]).duration_seconds == 5 * 60


def test_saving_a_short_clip_lesson_keeps_its_real_seconds(make_user):
    """The form shows whole minutes ("0" for a 12-second clip); saving the title must not turn the
    clip's 12 s into 0 (the course page would lose its length)."""
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    c = build_course(teacher, modules=1, lessons=1)
    with session_scope() as s:
        s.get(Lesson, c["lessons"][0]).duration_seconds = 12
    call(curriculum.set_lesson_content, me, c["lessons"][0], {"title": "Renamed", "minutes": "0", "body": "x"})
    assert get_course(c["id"]).duration_seconds == 12
    call(curriculum.set_lesson_content, me, c["lessons"][0], {"title": "Renamed", "minutes": "3", "body": "x"})
    assert get_course(c["id"]).duration_seconds == 180


def test_lesson_content_errors_save_nothing(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1)
    with pytest.raises(authoring_checks.FormErrors) as err:
        call(curriculum.set_lesson_content, actor_of(teacher), c["lessons"][0],
             {"title": "", "minutes": "-3", "body": "new"})
    assert {"title", "minutes"} <= set(err.value.errors)
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][0]).body == "SECRET BODY 1.1"


@pytest.mark.parametrize("url, ok", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", True), ("https://youtu.be/dQw4w9WgXcQ", True),
    ("https://vimeo.com/76979871", True), ("https://cdn.example.com/v/intro.mp4", True),
    ("https://cdn.example.com/v/intro.webm?x=1", True), ("javascript:alert(1)", False),
    ("ftp://example.com/a.mp4", False), ("https://example.com/page.html", False),
    ("https://www.youtube.com/channel/abc", False), ("https://user:pw@example.com/a.mp4", False),
])
def test_video_urls(make_user, url, ok):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="video")
    form = {"title": "Video", "video_url": url}
    if ok:
        call(curriculum.set_lesson_content, actor_of(teacher), c["lessons"][0], form)
    else:
        with pytest.raises(authoring_checks.FormErrors) as err:
            call(curriculum.set_lesson_content, actor_of(teacher), c["lessons"][0], form)
        assert "video_url" in err.value.errors


def test_embed_urls():
    assert lesson_types.embed_url("https://youtu.be/dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert lesson_types.embed_url("https://vimeo.com/76979871") == "https://player.vimeo.com/video/76979871"
    assert lesson_types.embed_url("https://cdn.example.com/a.mp4") is None


def lesson_dir_files():
    d = authoring.lesson_dir(get_settings())
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def get_settings():
    from lms_app.core.settings import get_settings as gs

    return gs()


def test_pdf_upload_is_stored_privately_and_replaced_after_commit(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    me = actor_of(teacher)
    first = call(curriculum.set_lesson_file, get_settings(), me, c["lessons"][0], PDF, "notes.pdf")
    assert first.file_mime == "application/pdf" and first.file_name == "notes.pdf" and first.file_size == len(PDF)
    assert lesson_dir_files() == [first.file_key]
    assert not str(authoring.lesson_dir(get_settings())).startswith(str(get_settings().data_dir / "uploaded_files"))
    second = call(curriculum.set_lesson_file, get_settings(), me, c["lessons"][0], PDF + b"2", "v2.pdf")
    assert lesson_dir_files() == [second.file_key] != [first.file_key]


def test_executable_renamed_pdf_is_refused(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    with pytest.raises(ServiceError) as err:
        call(curriculum.set_lesson_file, get_settings(), actor_of(teacher), c["lessons"][0], EXE, "notes.pdf")
    assert "not a PDF" in err.value.message
    assert lesson_dir_files() == []


def test_sixty_megabyte_pdf_is_refused_before_storing(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    big = PDF + b"0" * (60 * 1024 * 1024)
    with pytest.raises(ServiceError) as err:
        call(curriculum.set_lesson_file, get_settings(), actor_of(teacher), c["lessons"][0], big, "big.pdf")
    assert "50 MB" in err.value.message
    assert lesson_dir_files() == []
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][0]).file_key is None


def test_video_upload_sniffs_mp4_and_text_lessons_take_no_file(make_user):
    teacher = make_user(role="teacher")
    v = build_course(teacher, modules=1, lessons=1, lesson_type="video")
    t = build_course(teacher, modules=1, lessons=1, title="Text course")
    lesson = call(curriculum.set_lesson_file, get_settings(), actor_of(teacher), v["lessons"][0], MP4, "clip.mov")
    assert lesson.file_mime == "video/mp4" and lesson.file_name == "clip.mp4"
    with pytest.raises(ServiceError):
        call(curriculum.set_lesson_file, get_settings(), actor_of(teacher), v["lessons"][0], PDF, "x.mp4")
    with pytest.raises(ServiceError):
        call(curriculum.set_lesson_file, get_settings(), actor_of(teacher), t["lessons"][0], PDF, "x.pdf")


def test_failed_transaction_removes_the_new_file_and_keeps_the_old(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    me = actor_of(teacher)
    first = call(curriculum.set_lesson_file, get_settings(), me, c["lessons"][0], PDF, "a.pdf")
    with pytest.raises(RuntimeError):
        with session_scope() as s:
            curriculum.set_lesson_file(s, get_settings(), me, c["lessons"][0], PDF + b"x", "b.pdf")
            raise RuntimeError("boom")
    assert lesson_dir_files() == [first.file_key]


def test_delete_draft_vs_archive_with_students(make_user, enroll):
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    draft = build_course(teacher, lesson_type="pdf", modules=1, lessons=1)
    call(curriculum.set_lesson_file, get_settings(), me, draft["lessons"][0], PDF, "a.pdf")
    call(authoring.delete_course, get_settings(), me, draft["id"])
    assert get_course(draft["id"]) is None and lesson_dir_files() == []
    with session_scope() as s:
        assert s.exec(select(func.count(Lesson.id))).one() == 0

    published = build_course(teacher, status="published", title="Live course")
    with pytest.raises(ServiceError) as err:
        call(authoring.delete_course, get_settings(), me, published["id"])
    assert "Archive it instead" in err.value.message

    with_students = build_course(teacher, title="Has students")
    enroll(make_user(), get_course(with_students["id"]))
    with pytest.raises(ServiceError) as err:
        call(authoring.delete_course, get_settings(), me, with_students["id"])
    assert "Archive it instead" in err.value.message
    assert get_course(with_students["id"]) is not None


def test_pending_course_is_read_only(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, status="pending")
    with pytest.raises(ServiceError) as err:
        call(curriculum.rename_lesson, actor_of(teacher), c["lessons"][0], "New name")
    assert "waiting for review" in err.value.message


def test_published_course_stays_published_when_edited(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher, status="published")
    call(curriculum.rename_lesson, actor_of(teacher), c["lessons"][0], "Renamed live")
    assert get_course(c["id"]).status == "published"


def test_thumbnail_is_checked_and_resized(make_user, png_bytes):
    from PIL import Image

    teacher = make_user(role="teacher")
    c = build_course(teacher)
    course = call(authoring.set_thumbnail, get_settings(), actor_of(teacher), c["id"], png_bytes(1600, 1200))
    path = authoring.thumbnail_dir(get_settings()) / course.thumbnail_file
    with Image.open(path) as img:
        assert img.size == (1280, 720)
    with pytest.raises(ServiceError):
        call(authoring.set_thumbnail, get_settings(), actor_of(teacher), c["id"], EXE)
    with pytest.raises(ServiceError):
        call(authoring.set_thumbnail, get_settings(), actor_of(teacher), c["id"], b"x" * (5 * 1024 * 1024 + 1))


@pytest.mark.parametrize("junk", [None, "", "abc", -1, 0, True, 1.5, [], {}, {"id": 1}, 2**70])
def test_junk_ids_are_refused_cleanly(make_user, junk):
    me = actor_of(make_user(role="teacher"))
    for fn, args in [(curriculum.rename_lesson, (junk, "x")), (curriculum.add_module, (junk, "x")),
                     (curriculum.set_preview, (junk, True)), (curriculum.move_lesson, (junk, junk, junk))]:
        with pytest.raises(ServiceError):
            call(fn, me, *args)


def test_registry_lets_new_types_plug_in(add_plugin):
    from lms_app.core.plugin_api import hookimpl
    from lms_app.learning.lesson_types import TEXT

    keys = {t.key for t in lesson_types.all_types()}
    assert {"text", "video", "pdf", "quiz", "assignment"} <= keys
    quiz = lesson_types.LessonType("quiz_test", "Quiz", "list-checks", (), lambda f: {})

    class NewType:
        @hookimpl
        def lms_lesson_types(self):
            return [quiz]

    add_plugin(NewType(), "new-type")
    assert lesson_types.get("quiz_test") is quiz

    class Duplicate:
        @hookimpl
        def lms_lesson_types(self):
            return [TEXT]

    add_plugin(Duplicate(), "duplicate-type")
    with pytest.raises(ValueError, match="registered twice"):
        lesson_types.all_types()


def test_control_characters_never_reach_the_database(make_user):
    """PostgreSQL refuses NUL in text: it is removed before saving, on every backend."""
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    course = call(authoring.create_course, me, "Py\x00thon\x07 basics")
    assert course.title == "Python basics"
    module = call(curriculum.add_module, me, course.id, "Mod\x00ule")
    lesson = call(curriculum.add_lesson, me, module.id, "Les\x00son", "text")
    saved, _ = call(curriculum.set_lesson_content, me, lesson.id, {"title": "T\x00", "body": "a\x00b"})
    assert (module.title, lesson.title, saved.title, saved.body) == ("Module", "Lesson", "T", "ab")
    _, _ = call(authoring.update_details, me, course.id, good_form(subtitle="s\x00", description="d\x00",
                                                                      outcomes="o\x00ne"))
    row = get_course(course.id)
    assert (row.subtitle, row.description, row.outcomes) == ("s", "d", ["one"])
