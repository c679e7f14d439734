"""Attack 6 of issue 17 (configuration): production used to start with a secret of 32 x 'a',
``LMS_COOKIE_SECURE=false``, no allowed origins (``*``) and no public URL (links from Host)."""

from __future__ import annotations

import pytest

from lms_app.core.settings import SettingsError, load_settings

GOOD = {
    "LMS_ENV": "production",
    "LMS_SECRET_KEY": "kP3v9-Qz7_wT2mL8xR4nB6yH1jF5cD0sA",
    "LMS_DEMO_DATA": "false",
    "LMS_BCRYPT_COST": "12",
    "LMS_PAYMENT_GATEWAY": "webhook",
    "LMS_WEBHOOK_SECRET": "whsec-0123456789abcdef",
    "LMS_PUBLIC_URL": "https://learn.example.org",
    "LMS_ALLOWED_ORIGINS": "https://learn.example.org",
    "LMS_COOKIE_SECURE": "true",
}


@pytest.fixture
def production(monkeypatch):
    def make(**changes):
        for name, value in {**GOOD, **changes}.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return load_settings().production_problems()

    return make


def test_a_complete_configuration_has_no_problems(production):
    assert production() == []


@pytest.mark.parametrize("secret", ["a" * 32, "ab" * 32, "0123456789" * 4, "short-but-varied-KEY-1"])
def test_low_entropy_or_short_secrets_are_refused(production, secret):
    assert any("LMS_SECRET_KEY" in p for p in production(LMS_SECRET_KEY=secret))


def test_insecure_cookie_is_refused(production):
    assert any("LMS_COOKIE_SECURE" in p for p in production(LMS_COOKIE_SECURE="false"))


def test_missing_origins_and_public_url_are_refused(production):
    assert any("LMS_ALLOWED_ORIGINS" in p for p in production(LMS_ALLOWED_ORIGINS=None))
    assert any("LMS_PUBLIC_URL" in p for p in production(LMS_PUBLIC_URL=None))
    assert any("LMS_PUBLIC_URL" in p for p in production(LMS_PUBLIC_URL="learn.example.org"))


def test_a_wildcard_origin_is_not_an_origin(monkeypatch):
    monkeypatch.setenv("LMS_ALLOWED_ORIGINS", "*")
    with pytest.raises(SettingsError):
        load_settings()
    monkeypatch.setenv("LMS_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443/path")
    assert load_settings().allowed_origins == ("https://a.example", "https://b.example:8443")


def test_the_app_refuses_to_start(production, monkeypatch):
    """What lms_app.app does at import: SystemExit naming every problem."""
    from lms_app import app as app_module
    from lms_app.core.settings import get_settings

    production(LMS_SECRET_KEY="a" * 32, LMS_COOKIE_SECURE="false", LMS_PUBLIC_URL=None, LMS_ALLOWED_ORIGINS=None)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as refused:
            app_module._refuse_unsafe_production()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    for name in ("LMS_SECRET_KEY", "LMS_COOKIE_SECURE", "LMS_PUBLIC_URL", "LMS_ALLOWED_ORIGINS"):
        assert name in str(refused.value)
