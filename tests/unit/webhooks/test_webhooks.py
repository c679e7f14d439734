"""Outgoing webhooks: a receiver started here gets each event once per registration, signed;
failures are retried by the queue and logged; SSRF targets are refused in production."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.settings import get_settings
from lms_app.jobs import queue
from lms_app.learning.services import enrollment
from lms_app.webhooks import services
from lms_app.webhooks.models import WebhookDelivery, WebhookEndpoint


def actor(user) -> Actor:
    return Actor(user.id, user.role, 0)


@pytest.fixture
def jobs(tmp_path):
    instance = queue.build_huey(get_settings(), name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"),
                                retry_delay=0)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)


class Receiver:
    def __init__(self, statuses=()):
        self.got: list[tuple[str, dict, str]] = []
        self.statuses = list(statuses)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                outer.got.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                code = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path="/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def register(user, url, events, course_id=None):
    with session_scope() as s:
        row = services.register(s, actor(user), url, events, course_id)
        return row.id, row.secret


def test_each_event_reaches_each_matching_registration_once_signed(jobs, receiver, make_user, make_course):
    admin, teacher, other = make_user(role="admin"), make_user(role="teacher"), make_user(role="teacher")
    course, elsewhere = make_course(teacher=teacher), make_course(teacher=other)
    _, admin_secret = register(admin, receiver.url("/admin"), ["enrolled"])
    _, teacher_secret = register(teacher, receiver.url("/teacher"), ["enrolled", "lesson_completed"], course.id)
    register(other, receiver.url("/other"), ["enrolled"], elsewhere.id)
    register(admin, receiver.url("/admin-refunds"), ["order_refunded"])
    learner = make_user()
    with session_scope() as s:
        enrollment.enroll_free(s, actor(learner), course.slug)
    assert not receiver.got  # nothing is sent inside the request that caused the event
    queue.drain(jobs)
    paths = sorted(p for p, _, _ in receiver.got)
    assert paths == ["/admin", "/teacher"]
    for path, headers, body in receiver.got:
        secret = admin_secret if path == "/admin" else teacher_secret
        assert services.verify(secret, headers, body)
        assert not services.verify(services.new_secret(), headers, body)
        payload = json.loads(body)
        assert payload["type"] == "enrolled" and payload["data"]["course_id"] == course.id
        assert payload["id"] == headers["webhook-id"]
    with session_scope() as s:
        rows = s.exec(select(WebhookDelivery)).all()
        assert {(r.status, r.attempts, r.response_code) for r in rows} == {("ok", 1, 200)}


def test_the_same_event_handed_over_twice_is_delivered_once(jobs, receiver, make_user):
    admin = make_user(role="admin")
    register(admin, receiver.url(), ["enrolled"])
    with session_scope() as s:
        assert services.fan_out(s, "enrolled", {"course_id": 1, "user_id": 2}, event_id="evt-1") == 1
    with session_scope() as s:
        assert services.fan_out(s, "enrolled", {"course_id": 1, "user_id": 2}, event_id="evt-1") == 0
    queue.drain(jobs)
    assert len(receiver.got) == 1


def test_a_failing_receiver_gets_retries_and_each_attempt_is_logged(jobs, make_user):
    failing = Receiver(statuses=[500, 503, 502])
    try:
        admin = make_user(role="admin")
        register(admin, failing.url(), ["enrolled"])
        with session_scope() as s:
            services.fan_out(s, "enrolled", {"course_id": 1})
        queue.drain(jobs)
        assert len(failing.got) == 4
        assert len({h["webhook-id"] for _, h, _ in failing.got}) == 1  # the same message, retried
        with session_scope() as s:
            row = s.exec(select(WebhookDelivery)).one()
            assert (row.status, row.attempts, row.response_code) == ("ok", 4, 200)
    finally:
        failing.server.shutdown()


def test_a_receiver_that_keeps_failing_is_switched_off(jobs, make_user, monkeypatch):
    monkeypatch.setattr(services, "DISABLE_AFTER", 1)
    failing = Receiver(statuses=[500] * 20)
    try:
        admin = make_user(role="admin")
        endpoint_id, _ = register(admin, failing.url(), ["enrolled"])
        with session_scope() as s:
            services.fan_out(s, "enrolled", {"course_id": 1})
        queue.drain(jobs)
        assert len(failing.got) == queue.RETRIES + 1
        with session_scope() as s:
            row = s.exec(select(WebhookDelivery)).one()
            assert row.status == "failed" and row.error == "HTTP 500"
            endpoint = s.get(WebhookEndpoint, endpoint_id)
            assert not endpoint.is_active and "Switched off" in endpoint.disabled_reason
        # replay by hand after fixing the receiver
        failing.statuses = []
        with session_scope() as s:
            services.set_active(s, actor(admin), endpoint_id, True)
            services.replay(s, actor(admin), row.id)
        queue.drain(jobs)
        with session_scope() as s:
            assert s.get(WebhookDelivery, row.id).status == "ok"
    finally:
        failing.server.shutdown()


def fake_dns(ip):
    return lambda host, port, proto=0: [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (ip, port))]


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "0.0.0.0",
                                "172.16.5.5", "fd00::1"])
def test_private_and_loopback_targets_are_refused_in_production(ip):
    with pytest.raises(ServiceError, match="private or local"):
        services.check_url("https://hooks.example.com/x", production=True, resolve=fake_dns(ip))


def test_production_needs_https_and_accepts_public_hosts():
    with pytest.raises(ServiceError, match="https"):
        services.check_url("http://hooks.example.com/x", production=True, resolve=fake_dns("93.184.216.34"))
    assert services.check_url("https://hooks.example.com/x", production=True,
                              resolve=fake_dns("93.184.216.34")) == "https://hooks.example.com/x"
    with pytest.raises(ServiceError):
        services.check_url("https://user:pw@hooks.example.com/x", production=True, resolve=fake_dns("93.184.216.34"))


def test_who_may_register_what(make_user, make_course):
    learner, teacher, other = make_user(), make_user(role="teacher"), make_user(role="teacher")
    course = make_course(teacher=teacher)
    with pytest.raises(PermissionDenied):
        register(learner, "http://127.0.0.1:9/x", ["enrolled"], course.id)
    with pytest.raises(PermissionDenied):
        register(other, "http://127.0.0.1:9/x", ["enrolled"], course.id)
    with pytest.raises(ServiceError, match="one of your courses"):
        register(teacher, "http://127.0.0.1:9/x", ["enrolled"])  # teachers: their own courses only
    endpoint_id, _ = register(teacher, "http://127.0.0.1:9/x", ["enrolled"], course.id)
    with session_scope() as s:
        with pytest.raises(ServiceError):
            services.remove(s, actor(other), endpoint_id)
        assert services.listing(s, actor(other)) == []
        assert [r["id"] for r in services.listing(s, actor(teacher))] == [endpoint_id]
