"""Certificate figures: PDF render times, 1,000 certificates, download from storage, issue cost.

1. First render in a fresh process (fonts parsed, QR encoder and fpdf2 imported): one
   subprocess per round, ``--cold`` rounds.
2. Warm render: ``--warm`` certificates with different Unicode names (Latin accents, Cyrillic,
   Greek), median and p95 (information: each certificate is rendered once, then stored).
3. N certificates rendered one after another in one process (information).
4. Download (the figure that matters, issue 18): ``certificates.pdf_path`` for a stored certificate (cookie's actor, one SELECT,
   a file check) plus reading the file, with rendering disabled (it would raise): the stored
   file is served, never re-rendered. Compared with the first download, which renders.
5. Issue in the completion transaction: ``issue_for_completion`` time and SQL statements
   (the row only; the PDF is rendered on first download).

SQLite (default) or ``--database-url postgresql+psycopg://...`` (a scratch schema, dropped after).
Usage: python bench/certificates.py [--warm 300] [--batch 1000] [--cold 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_db import scratch_database  # noqa: E402

NAMES = ["Zoë Ørsted-Núñez", "Пётр Ильич Чайковский", "Ελένη Παπαδοπούλου", "Nguyễn Thị Ánh", "Łukasz Żółć",
         "Ada Lovelace", "Seán Ó Briain", "Αλέξανδρος Μακεδών", "Анна Ахматова", "François Æbischer"]

COLD = r"""
import time; t0 = time.perf_counter()
from lms_app.certificates.services import pdf as p
c = p.CertificateContent("Lumen Learning", "Zoë Ørsted-Пётр Ελένη", "Cold start", "Grace Hopper", "1 May 2026",
                         "ABCD-EFGH-IJKL-MNOP-QRST-UVWX", "https://learn.example.org/verify/ABCD-EFGH-IJKL-MNOP-QRST-UVWX")
t1 = time.perf_counter(); p.render(c); t2 = time.perf_counter()
print(f"{(t1 - t0) * 1e3:.1f} {(t2 - t1) * 1e3:.1f}")
"""


def content(i: int):
    from lms_app.certificates.services import pdf as certificate_pdf, issuing as certificates

    number = certificates.new_number()
    return certificate_pdf.CertificateContent(
        site_name="Lumen Learning", learner_name=f"{NAMES[i % len(NAMES)]} {i}",
        course_title=f"Course number {i % 37}: a practical introduction", teacher_name="Grace Hopper",
        date_label="22 November 2026", number=number, verify_url=f"https://learn.example.org/verify/{number}")


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, min {values[0]:.1f} ms (n={len(values)})"


def renders(cold: int, warm: int, batch: int) -> None:
    from lms_app.certificates.services import pdf as certificate_pdf

    firsts = []
    for _ in range(cold):
        out = subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True)
        imports, first = map(float, out.stdout.split())
        firsts.append(first)
        print(f"  cold process: imports {imports:.0f} ms, first render {first:.1f} ms")
    print(f"[1] first render in a fresh process: {ms(firsts)}")

    certificate_pdf.render(content(0))  # warm: fonts parsed, modules imported
    times, sizes = [], []
    for i in range(warm):
        c = content(i)
        t = time.perf_counter()
        data = certificate_pdf.render(c)
        times.append((time.perf_counter() - t) * 1e3)
        sizes.append(len(data))
    print(f"[2] warm render: {ms(times)}; PDF size median {statistics.median(sizes) / 1024:.1f} KB"
          f"  (rendered once per certificate, then stored)")

    items = [content(i) for i in range(batch)]
    t = time.perf_counter()
    for c in items:
        certificate_pdf.render(c)
    total = time.perf_counter() - t
    print(f"[3] {batch} certificates: {total:.2f} s ({total / batch * 1e3:.1f} ms each)")


def storage_and_issue() -> None:
    from alembic import command
    from sqlalchemy import event
    from sqlmodel import select

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.certificates.models import Certificate
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.learning.models import LessonProgress
    from lms_app.core.users import User
    from lms_app.core.types import utcnow
    from lms_app.certificates.services import pdf as certificate_pdf, issuing as certificates
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    settings = get_settings()
    n = 50
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        course = Course(slug="c", title="Bench course", teacher_id=teacher.id, status="published")
        s.add(course)
        s.flush()
        module = Module(course_id=course.id, title="M", position=0)
        s.add(module)
        s.flush()
        lessons = [Lesson(module_id=module.id, course_id=course.id, title=f"L{i}", lesson_type="text", position=i)
                   for i in range(5)]
        s.add_all(lessons)
        learners = [User(email=f"l{i}@example.com", name=NAMES[i % len(NAMES)], password_hash="!") for i in range(n)]
        s.add_all(learners)
        s.flush()
        for u in learners:
            s.add(Enrollment(user_id=u.id, course_id=course.id))
            s.add_all([LessonProgress(user_id=u.id, course_id=course.id, lesson_id=le.id, completed_at=utcnow())
                       for le in lessons])
        ids = [u.id for u in learners]
        course_id = course.id

    engine = lms_app.core.db.get_engine()
    statements: list[str] = []

    def count(*a):
        statements.append(a[2])

    issue_times = []
    for uid in ids:
        event.listen(engine, "before_cursor_execute", count)
        t = time.perf_counter()
        with lms_app.core.db.session_scope() as s:
            certificates.issue_for_completion(s, uid, course_id)
        issue_times.append((time.perf_counter() - t) * 1e3)
        event.remove(engine, "before_cursor_execute", count)
    per_issue = len(statements) / len(ids)
    print(f"[5] issue_for_completion (own transaction, incl. commit): {ms(issue_times)}; "
          f"{per_issue:.0f} SQL statements each")

    with lms_app.core.db.session_scope() as s:
        owner = dict(s.exec(select(Certificate.number, Certificate.user_id)).all())
    numbers = list(owner)
    actors = {uid: Actor(user_id=uid, role="learner", session_id=0) for uid in ids}
    first, stored = [], []
    for number in numbers:
        t = time.perf_counter()
        with lms_app.core.db.session_scope() as s:
            _, path = certificates.pdf_path(s, settings, actors[owner[number]], number, "https://learn.example.org")
        path.read_bytes()
        first.append((time.perf_counter() - t) * 1e3)
    original = certificate_pdf.render

    def refuse(_content):
        raise AssertionError("a stored certificate was rendered again")

    certificate_pdf.render = refuse
    try:
        for number in numbers:
            t = time.perf_counter()
            with lms_app.core.db.session_scope() as s:
                _, path = certificates.pdf_path(s, settings, actors[owner[number]], number,
                                                "https://learn.example.org")
            path.read_bytes()
            stored.append((time.perf_counter() - t) * 1e3)
    finally:
        certificate_pdf.render = original
    print(f"[4] first download (renders + stores): {ms(first)}")
    print(f"    later downloads (from storage, render disabled): {ms(stored)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--warm", type=int, default=300)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--cold", type=int, default=3)
    args = ap.parse_args()
    with scratch_database(args.database_url, "certificates"):
        renders(args.cold, args.warm, args.batch)
        storage_and_issue()


if __name__ == "__main__":
    main()
