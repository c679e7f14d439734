"""The plugin's tests use the app's own test set-up: a real database built by the real migrations
(the app's and this plugin's branch), SQLite by default, PostgreSQL when LMS_TEST_DATABASE_URL
is set, and the app's fixtures (``make_user``, ``make_course``, ``enroll``, ``sign_in``,
``states``...).

The app's ``tests/conftest.py`` is loaded here by its path (it sets the test environment before
anything from ``lms_app`` is imported) and its fixtures and hooks are re-exported. Its per-test
clean-up only covers the app's own test folders, so ``_feedback_isolated_db`` below does the same
for these tests: every test starts from empty tables.

Run from the app's checkout: ``python -m pytest examples/plugins/lms-lesson-feedback/tests``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[4]  # tests → lms-lesson-feedback → plugins → examples → app
APP_CONFTEST = APP_ROOT / "tests" / "conftest.py"
if not APP_CONFTEST.is_file():
    raise RuntimeError(f"the app's tests/conftest.py was not found at {APP_CONFTEST}: run the plugin's tests "
                       "from the Lumen Learning checkout it is part of")
if str(APP_ROOT) not in sys.path:
    sys.path.insert(0, str(APP_ROOT))


def _app_conftest():
    """The app's conftest module: the one pytest already loaded (when the app's tests run in the same
    session), or loaded now under a name of its own."""
    for module in list(sys.modules.values()):
        if Path(getattr(module, "__file__", None) or "/nonexistent").resolve() == APP_CONFTEST:
            return module
    spec = importlib.util.spec_from_file_location("lms_app_tests_conftest", APP_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_app = _app_conftest()
# Fixtures (make_user, db, states, ...) and hooks (the PostgreSQL-only skip, the clean-up at the end).
globals().update({name: value for name, value in vars(_app).items()
                  if not name.startswith("__") and (name.startswith("pytest_") or hasattr(value, "_fixture_function")
                                                    or type(value).__name__ == "FixtureFunctionDefinition")})

import pytest  # noqa: E402

IS_POSTGRES = _app.IS_POSTGRES


@pytest.fixture(autouse=True)
def _feedback_isolated_db(request):
    """The schema at every Alembic head, and empty tables (and no media files) after each test."""
    request.getfixturevalue("_schema")
    yield
    _app._empty_tables()
    shutil.rmtree(_app.get_settings().media_dir, ignore_errors=True)


# --- the plugin's own fixtures ----------------------------------------------------------------

@pytest.fixture
def add_lessons():
    """``add_lessons(course, n, module_title="Module")`` -> n text lessons (ids) in a new module."""
    import lms_app.core.db
    from lms_app.core.courses import Lesson, Module

    def factory(course, n: int = 3, module_title: str = "Module") -> list[int]:
        with lms_app.core.db.session_scope() as s:
            module = Module(course_id=course.id, title=module_title, position=0)
            s.add(module)
            s.flush()
            lessons = [Lesson(module_id=module.id, course_id=course.id, title=f"{module_title} lesson {i + 1}",
                              lesson_type="text", position=i, body=f"Body {i + 1}") for i in range(n)]
            s.add_all(lessons)
            s.flush()
            return [lesson.id for lesson in lessons]

    return factory


@pytest.fixture
def world(make_user, make_course, enroll, sign_in, add_lessons):
    """A teacher's published course with three lessons, an enrolled learner and an outsider."""
    teacher = make_user(role="teacher", email="tess.teacher@example.test", name="Tess Teacher")
    course = make_course(teacher=teacher, title="Clear Writing")
    lessons = add_lessons(course, 3)
    learner = make_user(email="lee.learner@example.test", name="Lee Learner")
    enroll(learner, course)
    outsider = make_user(email="olga.outsider@example.test", name="Olga Outsider")
    return {"teacher": teacher, "course": course, "lessons": lessons, "learner": learner, "outsider": outsider,
            "learner_actor": sign_in(learner)[1], "teacher_actor": sign_in(teacher)[1],
            "outsider_actor": sign_in(outsider)[1]}
