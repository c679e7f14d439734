"""A Lumen Learning REST API client in a page of httpx: sign in, list courses, enrol in a free
course, mark its lessons complete, list my certificates and download the new one (its PDF and
its signed credential).

    python examples/api_client.py http://127.0.0.1:8000 learner@example.com 'password'

(or set LMS_API_TOKEN to a personal access token with the read and learn scopes, and give only
the base URL). The access token lasts 15 minutes: ``Api`` refreshes it once when it expires.
Downloads go to the folder in LMS_API_DOWNLOADS (default: the current folder).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx


class ApiError(Exception):
    def __init__(self, response: httpx.Response):
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        super().__init__(f"{response.status_code} {body.get('code', '')}: {body.get('error', response.text[:200])}")
        self.status, self.code = response.status_code, body.get("code")


class Api:
    def __init__(self, base_url: str, client: httpx.Client | None = None):
        self.http = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=30)
        self.prefix = "/api/v1"
        self.access = self.refresh_token = None

    def sign_in(self, email: str, password: str) -> None:
        tokens = self._call("POST", "/auth/token", json={"email": email, "password": password}, auth=False)
        self.access, self.refresh_token = tokens["access_token"], tokens["refresh_token"]

    def use_token(self, token: str) -> None:
        self.access = token

    def _refresh(self) -> bool:
        if not self.refresh_token:
            return False
        tokens = self._call("POST", "/auth/refresh", json={"refresh_token": self.refresh_token}, auth=False)
        self.access, self.refresh_token = tokens["access_token"], tokens["refresh_token"]
        return True

    def _send(self, method: str, path: str, auth: bool = True, retried: bool = False, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.access}"} if auth and self.access else {}
        url = path if path.startswith(self.prefix) else self.prefix + path
        response = self.http.request(method, url, headers=headers, **kwargs)
        if response.status_code == 401 and auth and not retried and self._refresh():
            return self._send(method, path, auth, True, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response)
        return response

    def _call(self, method: str, path: str, auth: bool = True, **kwargs):
        return self._send(method, path, auth, **kwargs).json()

    def courses(self, **filters):
        """Every course matching ``filters`` (the catalog's: q, category, free, sort...), page by page."""
        page = self._call("GET", "/courses", params=filters, auth=False)
        while True:
            yield from page["courses"]
            if not page["next"]:
                return
            page = self._call("GET", page["next"], auth=False)

    def course(self, slug: str) -> dict:
        return self._call("GET", f"/courses/{slug}")

    def enroll(self, slug: str) -> dict:
        return self._call("POST", f"/courses/{slug}/enroll")

    def complete(self, lesson_id: int) -> dict:
        return self._call("POST", f"/lessons/{lesson_id}/complete")

    def certificates(self) -> list[dict]:
        return self._call("GET", "/me/certificates")

    def certificate_pdf(self, number: str) -> bytes:
        return self._send("GET", f"/me/certificates/{number}/pdf").content

    def credential(self, number: str) -> dict:
        """The signed credential (Open Badges 3.0); public, anyone can fetch and verify it."""
        return self._call("GET", f"/certificates/{number}/credential", auth=False)


def run(api: Api, out=print) -> dict:
    """List free courses, enrol in the first, complete every lesson that is not graded."""
    free = list(api.courses(free="true", sort="newest"))
    out(f"{len(free)} free courses")
    if not free:
        return {"courses": 0}
    slug = free[0]["slug"]
    api.enroll(slug)
    out(f"enrolled in {slug}")
    detail = api.course(slug)
    progress = None
    for module in detail["modules"]:
        for lesson in module["lessons"]:
            if lesson["lesson_type"] in ("quiz", "assignment"):
                continue  # graded lessons complete when passed
            progress = api.complete(lesson["id"])
            out(f"completed {lesson['title']!r}: {progress['percent']}%")
    certificates = api.certificates()
    out(f"{len(certificates)} certificate(s)")
    mine = next((c for c in certificates if c["course_title"] == detail["course"]["title"] and not c["revoked"]), None)
    if mine is not None:
        folder = Path(os.environ.get("LMS_API_DOWNLOADS", "."))
        pdf = folder / f"certificate-{mine['number']}.pdf"
        pdf.write_bytes(api.certificate_pdf(mine["number"]))
        credential = api.credential(mine["number"])
        (folder / f"certificate-{mine['number']}.json").write_text(json.dumps(credential, indent=2))
        out(f"downloaded certificate {mine['number']}: {pdf} ({pdf.stat().st_size} bytes) "
            f"and its {credential['type'][-1]}")
    return {"courses": len(free), "slug": slug, "progress": progress, "certificates": len(certificates),
            "certificate": mine["number"] if mine else None}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    api = Api(argv[1])
    if len(argv) >= 4:
        api.sign_in(argv[2], argv[3])
    elif os.environ.get("LMS_API_TOKEN"):
        api.use_token(os.environ["LMS_API_TOKEN"])
    else:
        print("Give an email and a password, or set LMS_API_TOKEN.")
        return 2
    try:
        run(api)
    except ApiError as exc:
        print(f"API error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
