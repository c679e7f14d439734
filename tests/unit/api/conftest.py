"""An HTTP client on the whole plain-HTTP stack (request guard + routes + /api/v1)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from lms_app.api import ratelimit
from lms_app.core.http import build_api, guard
from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def api():
    ratelimit.reset()
    with TestClient(guard(build_api()), base_url="http://testserver") as client:
        yield client
    ratelimit.reset()


@pytest.fixture
def login(api):
    """``login(user)`` -> the token response (dict) of a password sign-in."""

    def sign_in(user, password: str = DEFAULT_PASSWORD) -> dict:
        r = api.post("/api/v1/auth/token", json={"email": user.email, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    return sign_in


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
