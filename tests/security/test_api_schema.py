"""Schemathesis against the live OpenAPI document of a real backend (the production ASGI stack,
request guard included): generated requests to every operation, as anonymous, learner, teacher
and admin, must never get a 5xx, an undocumented status code, a wrong content type or a body
that violates the documented schema. A fixed, small budget keeps it under two minutes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

import schemathesis
from lms_app.api.services import tokens
from lms_app.core.db import session_scope
from lms_app.core.settings import get_settings
from lms_app.core.users import User
from tests.conftest import DEFAULT_PASSWORD
from tests.log_secrets import secrets_in
from tests.security import live
from tests.unit.learning.learning_support import add_lessons

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def server(_schema):
    srv = live.start({"LMS_API_RATE_IP": "100000/minute", "LMS_API_RATE_TOKEN": "100000/minute",
                      "LMS_API_RATE_AUTH": "100000/minute"})
    yield srv
    live.stop(srv)
    log = srv.log()
    srv.log_path.unlink(missing_ok=True)
    assert not secrets_in(log), f"secrets in the live server's log: {secrets_in(log)}"
    assert "Traceback" not in log, "a traceback in the live server's log:\n" + log[-3000:]


def test_schemathesis_finds_no_server_error_or_schema_violation(server, make_user, make_course, enroll):
    people = {role: make_user(role=role) for role in ("learner", "teacher", "admin")}
    course = make_course(teacher=people["teacher"])
    add_lessons(course, ("text", "text"))
    enroll(people["learner"], course)
    with session_scope() as s:
        auth = {role: tokens.issue_pair(s, get_settings(), s.get(User, u.id)).access_token for role, u in people.items()}
    schema = schemathesis.openapi.from_url(f"{server.origin}/api/v1/openapi.json")
    base = f"{server.origin}/api/v1"
    http = requests.Session()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for who in ("anonymous", "learner", "teacher", "admin"):
        headers = {} if who == "anonymous" else {"Authorization": f"Bearer {auth[who]}"}
        for operation in operations:
            @settings(max_examples=EXAMPLES if who == "anonymous" else EXAMPLES // 2, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case):
                case.call_and_validate(base_url=base, session=http, headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{who} {operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_example_client_runs_against_the_live_server(server, make_user, make_course, tmp_path):
    """``examples/api_client.py`` as a user runs it: a subprocess against the live backend."""
    learner = make_user()
    course = make_course(title="Free API course")
    add_lessons(course, ("text", "text"))
    result = subprocess.run([sys.executable, str(live.ROOT / "examples" / "api_client.py"), server.origin,
                             learner.email, DEFAULT_PASSWORD], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "LMS_API_DOWNLOADS": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"enrolled in {course.slug}" in result.stdout
    assert "100%" in result.stdout and "1 certificate(s)" in result.stdout
    assert "downloaded certificate" in result.stdout and "OpenBadgeCredential" in result.stdout
    pdfs = list(tmp_path.glob("certificate-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    credential = json.loads(next(tmp_path.glob("certificate-*.json")).read_text())
    assert credential["proof"]["proofValue"] and credential["credentialSubject"]["certificateNumber"] in pdfs[0].name
