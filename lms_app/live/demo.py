"""Live sessions' demo data, by the demo teacher, starting a few days from now (idempotent:
skipped when they exist): a priced weekly group class and a free 1:1 office hour (fixed times),
and paid 1:1 coaching offered through availability windows (Tue/Thu afternoons, learners pick)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.live import services
from lms_app.live.models import LiveOffering, LiveSlot

DEMO = (
    {"title": "Python Masterclass (live)", "description": "Two hours of live Python: questions welcome.",
     "duration_minutes": "120", "capacity": "2", "price": "99.99", "timezone": "Europe/Berlin",
     "meeting_url": "https://meet.example.com/python-masterclass", "cutoff_hours": "24", "category": "Programming",
     "at": "18:00", "weeks": 4},
    {"title": "Office hour: ask the teacher", "description": "A free one-to-one call about your course.",
     "duration_minutes": "30", "capacity": "1", "price": "0", "timezone": "Europe/Berlin",
     "meeting_url": "https://meet.example.com/office-hour", "cutoff_hours": "2", "category": "Coaching",
     "at": "10:00", "weeks": 2},
    {"title": "1:1 Python coaching", "description": "Pick a time that suits you: a one-hour call on your code.",
     "duration_minutes": "60", "capacity": "1", "price": "45", "timezone": "Europe/Berlin",
     "meeting_url": "https://meet.example.com/coaching", "cutoff_hours": "24", "category": "Coaching",
     "windows": ("1", "3"), "from": "14:00", "until": "18:00", "weeks": 4},
)


def ensure_demo_sessions(session: Session) -> int:
    teacher = session.exec(select(User).where(User.email == "teacher@example.com")).first()
    if teacher is None:
        return 0
    actor = Actor(user_id=teacher.id, role="teacher", session_id=0)
    made = 0
    for spec in DEMO:
        if session.exec(select(LiveOffering.id).where(LiveOffering.title == spec["title"])).first() is not None:
            continue
        form = {k: v for k, v in spec.items() if k not in ("at", "weeks", "windows", "from", "until")}
        offering = services.create_offering(session, actor, form)
        day = (utcnow() + timedelta(days=3 + made)).date().isoformat()
        if "windows" in spec:
            from lms_app.live import windows

            windows.add_windows(session, actor, offering.id, list(spec["windows"]), spec["from"], spec["until"], day,
                                spec["weeks"])
            made += 1
            continue
        services.schedule(session, actor, offering.id, day, spec["at"], spec["weeks"])
        made += 1
        if spec["price"] == "0":  # the demo learner holds one booking, so their dashboard shows it
            learner = session.exec(select(User).where(User.email == "learner@example.com")).first()
            slots = session.exec(select(LiveSlot).where(LiveSlot.offering_id == offering.id)
                                 .order_by(LiveSlot.starts_at)).all()
            if learner is not None and slots:
                services.book(session, None, Actor(user_id=learner.id, role=learner.role, session_id=0), slots[0].id)
    return made
