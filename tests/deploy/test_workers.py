"""Several workers, proven (issue 16, part 2): two app workers share PostgreSQL + Redis behind a real
nginx (``deploy/nginx.conf``, the shipped example), and a learner's session, progress, quiz attempt
and checkout survive being served alternately by both workers and one worker being killed mid-quiz.

Run by scripts/test.sh on the PostgreSQL pass (needs PostgreSQL, Redis and nginx; skipped with the
reason otherwise). One production build (``.web-deploy``, made by worker 0 with the nginx URL as
the public URL), served by both workers.

The learner is driven the way the browser drives the app — Reflex's websocket protocol
(``bench/reflex_ws.py``) and the app's HTTP routes — on a chosen worker where a step must land on
one; through nginx after the kill, as a browser whose socket dropped would reconnect. "Served
alternately" steps connect *without* the hydrate event, so the handler runs on exactly the tab
state the other worker left in Redis (a browser would rehydrate and re-read the database, which
would hide a state that was not shared). A Chromium page through nginx checks that the real
frontend signs in and talks over the proxied websocket.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.settings import get_settings
from tests.deploy.cluster import Cluster, http_get, nginx_binary

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from reflex_ws import ReflexSocket, reflex_version  # noqa: E402

REDIS_URL = os.environ.get("LMS_DEPLOY_REDIS_URL") or "redis://127.0.0.1:6379/12"
CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
TIMEOUT = 30.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",  # as tests/e2e
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
PASSWORD = "correct horse battery"
SETTINGS = get_settings()  # the root conftest pointed it at LMS_TEST_DATABASE_URL
IS_POSTGRES = SETTINGS.database_url.startswith("postgresql")


def _redis_or_reason() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"no Redis at {REDIS_URL} ({type(exc).__name__}); set LMS_DEPLOY_REDIS_URL"


def _skip_reason() -> str | None:
    if not IS_POSTGRES:
        return "several workers need PostgreSQL: set LMS_TEST_DATABASE_URL (scripts/test.sh runs this on its PostgreSQL pass)"
    if nginx_binary() is None:
        return "nginx is not installed (apt-get install nginx; scripts/test.sh installs it)"
    return _redis_or_reason()


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _names():
    from lms_app.accounts.pages.login import LoginState
    from lms_app.commerce.pages.checkout import CheckoutState
    from lms_app.learning.pages.learn_state import LearnState
    from lms_app.quizzes.pages.player import QuizState

    return {c.__name__: c.get_full_name() for c in (LoginState, CheckoutState, LearnState, QuizState)}


# --------------------------------------------------------------------------- the cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, request):
    import redis

    request.getfixturevalue("_schema")  # the test database at the migrations' head (root conftest)
    _empty_tables()
    redis.Redis.from_url(REDIS_URL).flushdb()
    workdir = tmp_path_factory.mktemp("lms-deploy")
    c = Cluster(workdir=workdir, database_url=SETTINGS.database_url, redis_url=REDIS_URL, workers=2,
                frontend=True, nginx=True, web_dir=ROOT / ".web-deploy",
                extra_env={"LMS_PAYMENT_GATEWAY": "test"})
    try:
        c.start()
    except Exception:
        c.stop()
        artifacts = ROOT / "test-artifacts" / "deploy"
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in workdir.glob("*.log"):
            shutil.copy(log, artifacts / log.name)
        raise
    print(f"\n[deploy] nginx {c.public_url} -> workers {[w.port for w in c.running]}; "
          f"build and first start {c.build_seconds:.0f}s")
    yield c
    c.stop()
    artifacts = ROOT / "test-artifacts" / "deploy"
    artifacts.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        shutil.copy(log, artifacts / log.name)
    shutil.copytree(workdir / "nginx", artifacts / "nginx", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    _empty_tables()
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture(scope="module")
def world(cluster):
    """A free course (a video lesson, then a quiz), a paid course with a coupon, one learner."""
    from lms_app.accounts.services import passwords
    from lms_app.core import sessions
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.core.types import utcnow
    from lms_app.core.users import User
    from tests.unit.commerce.commerce_support import make_coupon
    from tests.unit.quizzes.quiz_support import FORMS, build, quiz_lesson

    tag = uuid.uuid4().hex[:8]
    with lms_app.core.db.session_scope() as s:
        hashed = passwords.hash_password(PASSWORD, SETTINGS.bcrypt_cost)
        teacher = User(email=f"teacher-{tag}@example.test", name="Tess Teacher", role="teacher",
                       password_hash=hashed, email_verified_at=utcnow())
        learner = User(email=f"learner-{tag}@example.test", name="Lee Learner", role="learner",
                       password_hash=hashed, email_verified_at=utcnow())
        s.add_all([teacher, learner])
        s.flush()
        course = Course(slug=f"scale-{tag}", title="Scaling out", teacher_id=teacher.id, status="published",
                        published_at=utcnow())
        paid = Course(slug=f"scale-paid-{tag}", title="Scaling out, paid", teacher_id=teacher.id,
                      status="published", published_at=utcnow(), price_minor=4900)
        s.add_all([course, paid])
        s.flush()
        module = Module(course_id=course.id, title="Start", position=0)
        s.add(module)
        s.flush()
        video = Lesson(module_id=module.id, course_id=course.id, title="Welcome", lesson_type="video", position=0,
                       video_url="https://cdn.example.test/v.mp4", duration_seconds=600)
        s.add(video)
        s.add(Enrollment(user_id=learner.id, course_id=course.id))
        row, _ = sessions.create_session(s, teacher.id, 1, "deploy-test")
        teacher_actor = sessions.Actor(user_id=teacher.id, role="teacher", session_id=row.id)
    quiz = quiz_lesson(course, position=1, module_title="Check")
    # Single choice, true/false, short answer: three answers, three steps of the attempt.
    build(teacher_actor, quiz, forms=[FORMS[0], FORMS[2], FORMS[3]], pass_percent=70)
    make_coupon(code="SCALE20")
    return {"course": course, "video": video, "quiz": quiz, "learner": learner, "paid": paid}


def _empty_tables() -> None:
    from sqlmodel import SQLModel

    with lms_app.core.db.get_engine().begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


# --------------------------------------------------------------------------- helpers


def _tab(base_url: str, path: str, query: dict, cookie: str | None, token: str | None = None) -> ReflexSocket:
    sock = ReflexSocket(base_url, path, query, cookie=cookie, subprotocol=reflex_version())
    if token:
        sock.token = token
    return sock


async def _until(sock: ReflexSocket, state: str, test, what: str, timeout: float = TIMEOUT) -> dict:
    """Frames until ``test(merged delta of state)`` holds; returns the merged vars seen."""
    seen: dict = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await sock.next_frame(max(0.05, deadline - loop.time()))
        if frame is None:
            raise AssertionError(f"{what}: not seen within {timeout:.0f}s; {state} vars seen: {seen}; "
                                 f"client events {sock.client_payloads}")
        seen.update((frame.update.get("delta") or {}).get(state) or {})
        if test(seen):
            return seen


def _redis_has_tab(token: str) -> bool:
    import redis

    return bool(redis.Redis.from_url(REDIS_URL).keys(f"{token}*"))


def _post_json(url: str, body: dict, origin: str, cookie: str | None = None):
    headers = {"Content-Type": "application/json", "Origin": origin, "User-Agent": "lms-deploy-test"}
    if cookie:
        headers["Cookie"] = cookie
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=15) as response:  # noqa: S310 - the local nginx
        return response.status, response.headers.get_all("Set-Cookie") or []


def _sign_in_over_worker(cluster: Cluster, worker, email: str, password: str) -> str:
    """The sign-in form over one worker's websocket, then the ticket traded at POST /api/session
    through nginx (which may pick the other worker): returns the session cookie pair."""
    names = _names()

    async def go() -> str:
        sock = _tab(worker.url, "/login", {}, None)
        # The browser's Origin is the public (nginx) URL, whichever worker answers.
        sock.base_url = worker.url
        await sock.connect(TIMEOUT)
        await sock.drain(1.0)
        await sock.emit(f"{names['LoginState']}.submit", {"form": {"email": email, "password": password}})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not any(n == "_call_script" for n, _ in sock.client_payloads):
            if await sock.next_frame(max(0.05, deadline - loop.time())) is None:
                raise AssertionError(f"no sign-in script; client events {sock.client_payloads}")
        await sock.close()
        script = next(p for n, p in sock.client_payloads if n == "_call_script")
        ticket = re.search(r'ticket:"([^"]+)"', json.dumps(script).replace('\\"', '"')).group(1)
        return ticket

    ticket = asyncio.run(go())
    status, cookies = _post_json(cluster.public_url + "/api/session", {"ticket": ticket}, cluster.public_url)
    assert status == 200
    pair = next(c.split(";", 1)[0] for c in cookies if c.startswith("lms_session="))
    return pair


# --------------------------------------------------------------------------- tests


def test_nginx_serves_both_workers_with_the_shipped_config(cluster):
    assert [w.alive() for w in cluster.running] == [True, True]
    for _ in range(4):
        assert http_get(cluster.public_url + "/ping")[0] == 200
    status, page = http_get(cluster.public_url + "/login")
    assert status == 200 and "<html" in page.lower()
    # Both workers answered through nginx (round robin, no stickiness).
    access = (cluster.workdir / "nginx" / "access.log").read_text()
    assert access.count("GET /ping") >= 4
    status, health = http_get(cluster.public_url + "/_health")
    assert status == 200, health
    assert '"redis":true' in health.replace(" ", "").lower() or "redis" in health.lower()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_a_browser_signs_in_and_loads_a_lesson_through_nginx(cluster, world):
    """The real frontend, built for the proxy's URL, connects its websocket through nginx."""
    from playwright.sync_api import expect, sync_playwright

    course, video = world["course"], world["video"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(base_url=cluster.public_url).new_page()
            page.goto("/login")
            page.get_by_label("Email").fill(world["learner"].email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
            page.goto(f"/learn/{course.slug}/{video.id}")
            expect(page.get_by_role("button", name=re.compile(r"^Mark (as not )?complete$")).first).to_be_visible(
                timeout=60_000)
        finally:
            browser.close()


def test_progress_and_checkout_survive_being_served_alternately_by_both_workers(cluster, world):
    from lms_app.commerce.models import Order
    from lms_app.core.courses import Enrollment
    from lms_app.learning.models import LessonProgress

    names = _names()
    a, b = cluster.running
    learner, course, video, paid = world["learner"], world["course"], world["video"], world["paid"]
    # Session: the password is checked on worker A, the ticket traded through nginx.
    cookie = _sign_in_over_worker(cluster, a, learner.email, PASSWORD)
    learn, checkout = names["LearnState"], names["CheckoutState"]

    async def go():
        # Progress: A loads the lesson and completes it; B (no rehydrate) undoes it on A's tab state;
        # A again completes it on the state B left.
        path, query = f"/learn/{course.slug}/{video.id}", {"course": course.slug, "lesson": str(video.id)}
        tab = _tab(a.url, path, query, cookie)
        await tab.connect(TIMEOUT)
        await _until(tab, learn, lambda v: v.get("view_rx_state_") == "ok", "lesson page on A")
        await tab.drain(2.0)
        await tab.emit(f"{learn}.mark_complete")
        await _until(tab, learn, lambda v: v.get("completed_rx_state_") is True, "completed on A")
        await tab.close()
        assert _redis_has_tab(tab.token), "the tab's state is not in Redis"

        on_b = _tab(b.url, path, query, cookie, token=tab.token)
        await on_b.connect(TIMEOUT, hydrate=False)
        await on_b.emit(f"{learn}.mark_incomplete")
        await _until(on_b, learn, lambda v: v.get("completed_rx_state_") is False, "B undoes on A's tab state")
        await on_b.close()

        again = _tab(a.url, path, query, cookie, token=tab.token)
        await again.connect(TIMEOUT, hydrate=False)
        await again.emit(f"{learn}.mark_complete")
        await _until(again, learn, lambda v: v.get("completed_rx_state_") is True, "A completes on B's tab state")
        await again.close()

        # Checkout: the coupon is applied on A, the card paid on B: B's handler prices with the
        # coupon A put in the tab state.
        cpath = f"/checkout/{paid.slug}"
        buy = _tab(a.url, cpath, {"slug": paid.slug}, cookie)
        await buy.connect(TIMEOUT)
        await _until(buy, checkout, lambda v: v.get("found_rx_state_") is True, "checkout page on A")
        await buy.drain(2.0)  # the page load's chain has finished: nothing will overwrite the coupon
        await buy.emit(f"{checkout}.apply_coupon", {"form": {"coupon": "SCALE20"}})
        seen = await _until(buy, checkout, lambda v: "summary_rx_state_" in v and
                            v["summary_rx_state_"].get("coupon_code") == "SCALE20", "coupon applied on A")
        for frame in await buy.drain(2.0):
            seen.update((frame.update.get("delta") or {}).get(checkout) or {})
        assert seen["summary_rx_state_"]["coupon_code"] == "SCALE20"
        assert seen["summary_rx_state_"]["total_label"] == "$39.20"
        await buy.close()

        pay = _tab(b.url, cpath, {"slug": paid.slug}, cookie, token=buy.token)
        await pay.connect(TIMEOUT, hydrate=False)
        await pay.emit(f"{checkout}.pay", {"form": {"card_number": "4242 4242 4242 4242", "expiry": "12/39",
                                                     "cvc": "123", "name": "Ada"}})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not any(n == "_redirect" for n, _ in pay.client_payloads):
            if await pay.next_frame(max(0.05, deadline - loop.time())) is None:
                raise AssertionError(f"no redirect after paying on B: {pay.client_payloads}")
        await pay.close()
        return next(p for n, p in pay.client_payloads if n == "_redirect")

    redirect = asyncio.run(go())
    with lms_app.core.db.session_scope() as s:
        row = s.exec(select(LessonProgress).where(LessonProgress.user_id == learner.id,
                                                  LessonProgress.lesson_id == video.id)).one()
        assert row.completed_at is not None
        order = s.exec(select(Order).where(Order.user_id == learner.id)).one()
        assert (order.status, order.list_price_minor, order.amount_minor) == ("paid", 4900, 3920)
        assert f"/orders/{order.id}" in json.dumps(redirect)
        assert s.exec(select(Enrollment).where(Enrollment.user_id == learner.id,
                                               Enrollment.course_id == paid.id)).one()


def test_a_quiz_attempt_survives_alternating_workers_and_one_killed_mid_quiz(cluster, world):
    """Run last in this module: it kills worker A."""
    from lms_app.quizzes.models import QuizAttempt
    from tests.unit.quizzes.quiz_support import right_answers

    names = _names()
    a, b = cluster.running
    learner, course, quiz = world["learner"], world["course"], world["quiz"]
    cookie = _sign_in_over_worker(cluster, b, learner.email, PASSWORD)
    qs = names["QuizState"]
    path, query = f"/learn/{course.slug}/{quiz.id}", {"course": course.slug, "lesson": str(quiz.id)}

    def attempt_row() -> QuizAttempt:
        with lms_app.core.db.session_scope() as s:
            return s.exec(select(QuizAttempt).where(QuizAttempt.user_id == learner.id)).one()

    async def start_and_answer_first():
        tab = _tab(a.url, path, query, cookie)
        await tab.connect(TIMEOUT)
        await tab.drain(1.0)
        await tab.emit(f"{qs}.load")  # the quiz panel's on_mount, as the browser sends it
        await _until(tab, qs, lambda v: v.get("can_start_rx_state_") is True, "quiz intro on A")
        await tab.drain(0.5)
        await tab.emit(f"{qs}.start")
        seen = await _until(tab, qs, lambda v: v.get("phase_rx_state_") == "answering", "attempt started on A")
        await tab.close()
        return tab.token, seen["attempt_key_rx_state_"]

    token, key = asyncio.run(start_and_answer_first())
    attempt = attempt_row()
    answers = right_answers(attempt)
    order = [q["id"] for q in attempt.questions]
    assert len(order) == 3 and attempt.status == "in_progress"

    async def answer_on(worker, qid):
        tab = _tab(worker.url, path, query, cookie, token=token)
        await tab.connect(TIMEOUT, hydrate=False)  # the tab state another worker left in Redis
        await tab.emit(f"{qs}.answer", {"question_id": str(qid), "value": str(answers[qid])})
        await asyncio.sleep(1.0)
        await tab.close()

    # Question 1 answered on B, on the attempt A started (B's handler needs A's _attempt_id).
    asyncio.run(answer_on(b, order[0]))
    assert set(attempt_row().answers) == {str(order[0])}
    # Question 2 on A again, on B's state.
    asyncio.run(answer_on(a, order[1]))
    assert set(attempt_row().answers) == {str(order[0]), str(order[1])}

    async def killed_mid_quiz():
        # The learner is on A, answering; A dies.
        tab = _tab(a.url, path, query, cookie, token=token)
        await tab.connect(TIMEOUT)
        await tab.drain(1.0)
        await tab.emit(f"{qs}.load")
        await _until(tab, qs, lambda v: v.get("phase_rx_state_") == "answering", "attempt shown on A")
        a.kill()
        with pytest.raises(ConnectionError):
            await tab.drain(10.0)
            await tab.emit(f"{qs}.answer", {"question_id": str(order[2]), "value": str(answers[order[2]])})
            await tab.drain(5.0)
        # The browser reconnects to the public URL with the same tab token: nginx hands it to B.
        back = _tab(cluster.public_url, path, query, cookie, token=token)
        await back.connect(TIMEOUT)
        await back.drain(1.0)
        await back.emit(f"{qs}.load")
        seen = await _until(back, qs, lambda v: v.get("phase_rx_state_") == "answering", "attempt after the kill")
        assert seen.get("attempt_key_rx_state_", key) == key
        await back.drain(0.5)
        await back.emit(f"{qs}.answer", {"question_id": str(order[2]), "value": str(answers[order[2]])})
        await asyncio.sleep(1.0)
        await back.emit(f"{qs}.submit")
        result = await _until(back, qs, lambda v: v.get("phase_rx_state_") == "result", "result after submit")
        await back.close()
        return result

    result = asyncio.run(killed_mid_quiz())
    assert not a.alive() and b.alive()
    assert result["result_rx_state_"]["passed"] is True
    final = attempt_row()
    assert final.status == "submitted" and final.passed is True and set(final.answers) == {str(q) for q in order}
    # nginx keeps serving on the survivor.
    for _ in range(4):
        assert http_get(cluster.public_url + "/ping")[0] == 200
