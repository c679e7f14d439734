"""The payment providers' settings (declared with ``lms_settings``; read with ``plugins.setting``)."""

from __future__ import annotations

from lms_app.core.plugin_api import PluginSetting


def _url(raw: str) -> str:
    raw = raw.strip().rstrip("/")
    if not raw.startswith(("https://", "http://")):
        raise ValueError("must start with https:// (or http:// for a local stand-in)")
    return raw


def _int(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 60:
        raise ValueError("must be between 0 and 60")
    return value


def _bool(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


SETTINGS = [
    PluginSetting("LMS_STRIPE_SECRET_KEY", "", str, "Stripe secret key (sk_live_... in production)"),
    PluginSetting("LMS_STRIPE_WEBHOOK_SECRET", "", str, "Stripe webhook signing secret (whsec_...)"),
    PluginSetting("LMS_STRIPE_API_BASE", "", _url, "Stripe API address (empty: Stripe's; a local stand-in in tests)"),
    PluginSetting("LMS_PAYSTACK_SECRET_KEY", "", str, "Paystack secret key (sk_live_... in production); "
                  "also signs its webhooks"),
    PluginSetting("LMS_PAYSTACK_BASE_URL", "https://api.paystack.co", _url, "Paystack API address"),
    PluginSetting("LMS_SUBSCRIPTION_GRACE_DAYS", 3, _int,
                  "days a past-due subscription keeps access after its period ends (0-60)"),
    PluginSetting("LMS_PAYMENTS_ALLOW_TEST_KEYS", False, _bool,
                  "allow sk_test_ keys in production (a demo site only)"),
]


def get(name: str):
    from lms_app.core import plugins

    return plugins.setting(name)


def production_problems(settings) -> list[str]:
    """Production refuses test keys (unless a demo site says so) and missing webhook secrets."""
    if not settings.is_production:
        return []
    problems = []
    allow_test = get("LMS_PAYMENTS_ALLOW_TEST_KEYS")
    if settings.payment_gateway == "stripe":
        key = get("LMS_STRIPE_SECRET_KEY")
        if not key:
            problems.append("LMS_STRIPE_SECRET_KEY is empty: the stripe gateway needs the secret key")
        elif key.startswith(("sk_test_", "rk_test_")) and not allow_test:
            problems.append("LMS_STRIPE_SECRET_KEY is a test key: use the live key in production "
                            "(or LMS_PAYMENTS_ALLOW_TEST_KEYS=1 for a demo site)")
        if not (get("LMS_STRIPE_WEBHOOK_SECRET") or settings.webhook_secret).startswith("whsec_"):
            problems.append("LMS_STRIPE_WEBHOOK_SECRET is missing: without it no Stripe payment is ever confirmed")
    if settings.payment_gateway == "paystack":
        key = get("LMS_PAYSTACK_SECRET_KEY")
        if not key:
            problems.append("LMS_PAYSTACK_SECRET_KEY is empty: the paystack gateway needs the secret key")
        elif key.startswith("sk_test_") and not allow_test:
            problems.append("LMS_PAYSTACK_SECRET_KEY is a test key: use the live key in production "
                            "(or LMS_PAYMENTS_ALLOW_TEST_KEYS=1 for a demo site)")
    return problems
