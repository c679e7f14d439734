"""Checks a running container of the app image (scripts/docker-check.sh starts it).

    python scripts/docker_smoke.py --container NAME --url http://127.0.0.1:PORT

1. the image: runs as non-root, root filesystem read-only, no Node.js or bun inside;
2. an admin made with ``manage create-admin`` signs in through ``POST /api/v1/auth/token``;
3. a course made inside the container through the authoring services (category, course details,
   module, text lesson, submit, approve: what a teacher and an admin do on the pages) is listed
   by ``GET /api/v1/courses``, detailed by ``GET /api/v1/courses/{slug}`` with the token, and its
   page ``/courses/{slug}`` is served (the prebuilt frontend, from the backend's port).
Exits non-zero with the reason on the first failure.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

# Runs inside the container (its environment: production settings, its own database).
MAKE_COURSE = r"""
import json, sys
from sqlmodel import select
from lms_app.core.users import User
from lms_app.admin.services import categories
from lms_app.authoring.services import courses, curriculum, review
from lms_app.core.db import session_scope
from lms_app.core.sessions import Actor

email, title = sys.argv[1], sys.argv[2]
with session_scope() as session:
    user = session.exec(select(User).where(User.email == email)).one()
    admin = Actor(user_id=user.id, role=user.role, session_id=0)
    category = categories.create(session, admin, "Container checks", "Courses made by the image check")
    course = courses.create_course(session, admin, title)
    courses.update_details(session, admin, course.id, {
        "title": title, "subtitle": "", "description": "Made by scripts/docker_smoke.py through the services.",
        "slug": "", "category_id": str(category.id), "level": "beginner", "language": "en",
        "currency": "USD", "price": "0", "outcomes": ""})
    module = curriculum.add_module(session, admin, course.id, "First steps")
    lesson = curriculum.add_lesson(session, admin, module.id, "Welcome", "text")
    curriculum.set_lesson_content(session, admin, lesson.id, {
        "title": "Welcome", "minutes": "5", "body": "Hello from the container check."})
    review.submit(session, admin, course.id)
    review.approve(session, admin, course.id)
    print(json.dumps({"slug": course.slug}))
"""


def fail(message: str) -> None:
    print(f"docker smoke: FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def docker(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    extra = [item for key, value in (env or {}).items() for item in ("-e", f"{key}={value}")]
    cmd = ["docker", "exec", *(["-i"] if stdin is not None else []), *extra, *args]
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        fail(f"{' '.join(args[1:4])}: exit {done.returncode}: {done.stderr.strip()[-800:]}")
    return done


def http(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, str, dict]:
    headers = {"Accept": "application/json, text/html"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--container", required=True)
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    c, base = args.container, args.url.rstrip("/")

    uid = docker(c, "id", "-u").stdout.strip()
    if uid == "0":
        fail("the container runs as root")
    if docker(c, "bash", "-c", "touch /app/probe", check=False).returncode == 0:
        fail("/app is writable: the root filesystem should be read-only (docker run --read-only)")
    tools = docker(c, "bash", "-c", "command -v node bun npm; ls /opt/venv/lib/python3*/site-packages | grep -i nodejs",
                   check=False).stdout.strip()
    if tools:
        fail(f"build tools in the runtime image: {tools}")
    print(f"docker smoke: runs as uid {uid}, read-only root, no Node.js/bun")

    status, text, _ = http(f"{base}/api/health")
    if status != 200 or json.loads(text).get("database") != "ok":
        fail(f"/api/health: {status} {text[:200]}")

    email, password = "admin@example.org", secrets.token_urlsafe(18)
    docker(c, "python", "-m", "lms_app.manage", "create-admin", "--email", email, "--name", "Image Check",
           env={"LMS_ADMIN_PASSWORD": password})
    status, text, _ = http(f"{base}/api/v1/auth/token", {"email": email, "password": password + "x"})
    if status != 401:
        fail(f"a wrong password was not refused: {status}")
    status, text, _ = http(f"{base}/api/v1/auth/token", {"email": email, "password": password})
    if status != 200:
        fail(f"sign-in through POST /api/v1/auth/token: {status} {text[:300]}")
    token = json.loads(text)["access_token"]
    status, text, _ = http(f"{base}/api/v1/me", token=token)
    if status != 200 or json.loads(text).get("email") != email:
        fail(f"GET /api/v1/me with the token: {status} {text[:300]}")
    print("docker smoke: the admin signed in through the API")

    title = f"Container check {secrets.token_hex(3)}"
    made = docker(c, "python", "-", email, title, stdin=MAKE_COURSE)
    slug = json.loads(made.stdout.strip().splitlines()[-1])["slug"]
    status, text, _ = http(f"{base}/api/v1/courses?q=container")
    listed = [course.get("slug") for course in json.loads(text).get("courses", [])] if status == 200 else []
    if slug not in listed:
        fail(f"GET /api/v1/courses does not list {slug}: {status} {text[:300]}")
    status, text, _ = http(f"{base}/api/v1/courses/{slug}", token=token)
    if status != 200 or json.loads(text)["course"].get("title") != title:
        fail(f"GET /api/v1/courses/{slug}: {status} {text[:300]}")
    modules = json.loads(text).get("modules") or []
    if "Welcome" not in json.dumps(modules):
        fail(f"the course's curriculum lacks its lesson: {json.dumps(modules)[:300]}")
    status, page, headers = http(f"{base}/courses/{slug}")
    if status != 200 or "<html" not in page.lower() or "/assets/" not in page:
        fail(f"the course page /courses/{slug}: {status} {page[:200]}")
    if "content-security-policy" not in {k.lower() for k in headers}:
        fail("the course page has no Content-Security-Policy header")
    print(f"docker smoke: course {slug!r} listed, detailed and its page served")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
