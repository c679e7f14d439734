"""Idempotent demo data: running it again changes nothing.

Every record is looked up by a natural key (email, category name, course slug) and only
created when missing. Demo passwords are published in the README, so production mode refuses
to start while demo data is enabled (see Settings.production_problems).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course, Enrollment, Lesson, Module
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.core import events, plugins
from lms_app.demo import content as demo
from lms_app.core.course_fields import recount_duration, refresh_search_text
from lms_app.accounts.services.passwords import hash_password, verify_password
from lms_app.core.settings import Settings


def seed_demo_data(session: Session, settings: Settings) -> dict[str, int]:
    """Create whatever demo record is missing; returns how many of each were created."""
    created = {"users": 0, "categories": 0, "courses": 0, "enrollments": 0}
    users = _ensure_users(session, settings, created)
    categories = _ensure_categories(session, created)
    teachers = [users["teacher@example.com"], users[demo.SECOND_TEACHER[0]]]
    now = utcnow()
    courses: dict[str, Course] = {c.slug: c for c in session.exec(select(Course)).all()}
    for index, (slug, title, subtitle, cat, level, price, currency, teacher_ix, modules) in enumerate(demo.COURSES):
        if slug in courses:
            continue
        course = Course(
            slug=slug, title=title, subtitle=subtitle, category_id=categories[cat].id,
            teacher_id=teachers[teacher_ix].id, level=level, price_minor=price, currency=currency,
            status="published", published_at=now - timedelta(days=60 - index * 3),
            description=_description(title, subtitle, modules),
            outcomes=[f"Understand {m_title.lower()}" for m_title, _ in modules]
            + [f"Apply what you learn in {title}"],
        )
        refresh_search_text(course, teachers[teacher_ix].name)
        session.add(course)
        session.flush()
        for m_pos, (m_title, lessons) in enumerate(modules):
            module = Module(course_id=course.id, title=m_title, position=m_pos)
            session.add(module)
            session.flush()
            for l_pos, (l_title, l_type, minutes, preview) in enumerate(lessons):
                session.add(Lesson(module_id=module.id, course_id=course.id, title=l_title, lesson_type=l_type,
                                   position=l_pos, is_preview=preview, duration_seconds=minutes * 60,
                                   body=""))
        session.flush()
        recount_duration(session, course.id)
        courses[slug] = course
        created["courses"] += 1
    created["media"] = _ensure_media(session, settings, courses, categories)
    _ensure_enrollments(session, users, list(courses.values()), created)
    session.flush()
    # Every feature adds its own demo data (quizzes, an assignment, coupons...) through the hook.
    for counts in plugins.hook().lms_demo_data(session=session, settings=settings)[::-1]:
        for key, value in (counts or {}).items():
            created[key] = created.get(key, 0) + value
    session.flush()
    return created


def _description(title: str, subtitle: str, modules) -> str:
    lessons = [lesson for _, rows in modules for lesson in rows]
    videos = sum(1 for lesson in lessons if lesson[1] == "video")
    parts = ", ".join(m_title.lower() for m_title, _ in modules)
    return (f"{subtitle}. {title} takes you through {parts} in {len(lessons)} lessons: {videos} short videos, "
            "readings you can come back to, and handouts to keep.\n\n"
            "Every lesson ends with something to try yourself. Preview the first lesson for free before you "
            "decide.")


def _reading_seconds(markdown: str) -> int:
    """Reading time at 200 words a minute, whole minutes, at least one."""
    return max(1, round(len(markdown.split()) / 200)) * 60


def _ensure_media(session: Session, settings: Settings, courses: dict[str, Course],
                  categories: dict[str, Category]) -> int:
    """Real demo content where it is missing: a cover per course, a reading per text lesson, a
    playable video per video lesson, a PDF handout per PDF lesson; durations from the content; the
    demo completion rule (videos complete by watching). Idempotent (only fills what is empty)."""
    from lms_app.demo import media, readings
    from lms_app.learning.services import completion

    made = 0
    from lms_app.core.storage import get_storage

    stored = get_storage(settings)  # the configured storage (local folder or object storage)
    by_id = {c.id: c for c in categories.values()}
    old_filler = "It shows how text lessons look"
    for slug, title, subtitle, cat, _level, _price, _cur, _t, modules in demo.COURSES:
        course = courses.get(slug)
        if course is None:
            continue
        category = by_id.get(course.category_id)
        cat_slug, cat_name = (category.slug, category.name) if category else (cat, cat)
        if not course.thumbnail_file:
            name = media.file_name("demo-cover", slug, suffix=".webp")
            stored.save_bytes(f"thumbnails/{name}", media.cover_image(course.title, cat_slug, cat_name),
                              content_type="image/webp")
            course.thumbnail_file = name
            session.add(course)
            made += 1
        if old_filler in (course.description or "") or "This demo course shows" in (course.description or ""):
            course.description = _description(title, subtitle, modules)
            session.add(course)
        for lesson in session.exec(select(Lesson).where(Lesson.course_id == course.id)).all():
            if lesson.lesson_type == "text" and (not lesson.body.strip() or old_filler in lesson.body):
                text = readings.READINGS.get(lesson.title)
                if text:
                    lesson.body, lesson.duration_seconds = text, _reading_seconds(text)
                    session.add(lesson)
                    made += 1
            elif lesson.lesson_type == "video" and not lesson.file_key and not lesson.video_url:
                data = media.video_clip(lesson.title, course.title, cat_slug)
                name = media.file_name("demo-video", slug, lesson.title, suffix=".webm")
                stored.save_bytes(f"lessons/{name}", data, content_type="video/webm")
                lesson.file_key, lesson.file_name, lesson.file_size, lesson.file_mime = (
                    name, f"{lesson.title}.webm", len(data), "video/webm")
                lesson.duration_seconds = media.VIDEO_SECONDS
                lesson.body = lesson.body or readings.video_note(lesson.title, course.title)
                session.add(lesson)
                made += 1
            elif lesson.lesson_type == "pdf" and not lesson.file_key:
                data = media.handout_pdf(lesson.title, course.title,
                                         readings.handout_points(lesson.title, course.title,
                                                                 list(course.outcomes or [])))
                name = media.file_name("demo-handout", slug, lesson.title, suffix=".pdf")
                stored.save_bytes(f"lessons/{name}", data, content_type="application/pdf")
                lesson.file_key, lesson.file_name, lesson.file_size, lesson.file_mime = (
                    name, f"{lesson.title}.pdf", len(data), "application/pdf")
                lesson.duration_seconds = 120
                lesson.body = lesson.body or f"A one-page handout for {course.title}: open it, download it, keep it."
                session.add(lesson)
                made += 1
        session.flush()
        if not completion.rule_for(session, course.id).configured:
            completion.set_rule(session, course.id, video_rule="watch", video_percent=90, reading_rule="manual",
                                reading_seconds=60)
        recount_duration(session, course.id)
    return made


def _ensure_users(session: Session, settings: Settings, created: dict[str, int]) -> dict[str, User]:
    wanted = [(email, name, role, password) for email, name, role, password in demo.DEMO_USERS]
    wanted.append((*demo.SECOND_TEACHER, None))
    wanted += [(f"learner{i:02d}@example.com", f"Demo Learner {i:02d}", "learner", None)
               for i in range(1, demo.EXTRA_LEARNERS + 1)]
    existing = {u.email: u for u in session.exec(select(User).where(User.email.in_([w[0] for w in wanted]))).all()}
    unusable_hash = None
    for email, name, role, password in wanted:
        if email in existing:
            continue
        if password is None:
            # One hash of a random, never-shown password: these accounts exist for counts only.
            unusable_hash = unusable_hash or hash_password(secrets.token_urlsafe(24), settings.bcrypt_cost)
            password_hash = unusable_hash
        else:
            password_hash = hash_password(password, settings.bcrypt_cost)
        signed_up = _demo_signup(len(existing))
        user = User(email=email, name=name, role=role, password_hash=password_hash,
                    bio=f"{name.split()[0]} teaches on the demo platform." if role == "teacher" else "",
                    created_at=signed_up, email_verified_at=signed_up)  # demo users are verified: they can buy
        session.add(user)
        existing[email] = user
        created["users"] += 1
    session.flush()
    return existing


def _demo_signup(index: int):
    """Demo accounts joined over the last ~two months, so the analytics charts have a history."""
    return utcnow() - timedelta(days=90 - (index * 7) % 80, hours=index % 24)


def _ensure_categories(session: Session, created: dict[str, int]) -> dict[str, Category]:
    existing = {c.slug: c for c in session.exec(select(Category)).all()}
    for position, (name, slug, description, icon) in enumerate(demo.CATEGORIES):
        if slug not in existing and not session.exec(select(Category).where(Category.name == name)).first():
            category = Category(name=name, slug=slug, description=description, icon=icon, position=position)
            session.add(category)
            existing[slug] = category
            created["categories"] += 1
    session.flush()
    return existing


def _ensure_enrollments(session: Session, users: dict[str, User], courses: list[Course], created: dict[str, int]) -> None:
    """Spread the demo learners over the courses, then recount each course's students."""
    courses = sorted(courses, key=lambda c: c.id or 0)
    learners = [users[e] for e in sorted(users) if users[e].role == "learner" and e != "learner@example.com"]
    have = set(session.exec(select(Enrollment.user_id, Enrollment.course_id)).all())
    for index, course in enumerate(courses):
        take = max(0, len(learners) - 2 * index) if course.status == "published" else 0
        for n, learner in enumerate(learners[:take]):
            if (learner.id, course.id) not in have:
                _demo_enrol(session, learner, course, days_after_signup=1 + (n * 5 + index * 3) % 20)
                have.add((learner.id, course.id))
                created["enrollments"] += 1
    me = users["learner@example.com"]
    for course in courses[:2]:
        if (me.id, course.id) not in have:
            _demo_enrol(session, me, course, days_after_signup=2)
            created["enrollments"] += 1
    session.flush()
    counts = dict(session.exec(select(Enrollment.course_id, func.count(Enrollment.id)).group_by(Enrollment.course_id)).all())
    for course in courses:
        if course.student_count != counts.get(course.id, 0):
            course.student_count = counts.get(course.id, 0)
            session.add(course)


def _demo_enrol(session: Session, learner: User, course: Course, days_after_signup: int) -> None:
    """An enrolment some days after the learner joined (never in the future), with its analytics event."""
    at = min(learner.created_at + timedelta(days=days_after_signup), utcnow() - timedelta(hours=1))
    session.add(Enrollment(user_id=learner.id, course_id=course.id, created_at=at))
    events.record(session, "enrolled", user_id=learner.id, course_id=course.id, at=at, notify=False)


def active_demo_logins(session: Session) -> list[str]:
    """Emails of demo accounts that still sign in with their published password.

    Production refuses to start while any exist, even with LMS_DEMO_DATA off, because the
    README tells the world those passwords.
    """
    emails = {email: password for email, _name, _role, password in demo.DEMO_USERS}
    users = session.exec(select(User).where(User.email.in_(list(emails)), User.is_active)).all()
    return [u.email for u in users if verify_password(emails[u.email], u.password_hash)]
