"""Configuration from environment variables, validated once at start.

Every knob the app reads lives here so that the web process, Alembic, the seed command,
the tests and the benchmarks agree on one source of truth.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # refused in production
ENVIRONMENTS = ("development", "production", "test")
# A secret of 32 x 'a' is 32 characters and no secret at all: production wants at least this many
# different characters (a token_urlsafe(32) has about 30; a long passphrase has more than 16).
MIN_SECRET_DISTINCT = 16


class SettingsError(RuntimeError):
    """Raised when the configuration is unusable; the message says which variable to fix."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased (default ports dropped); "" if it is not http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _origins(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name) or ""
    found = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if item == "*":
            raise SettingsError(f"{name} lists origins (https://learn.example.org); '*' would trust every site")
        origin = origin_of(item)
        if not origin:
            raise SettingsError(f"{name} must list http(s) origins separated by commas, not {item!r}")
        found.append(origin)
    return tuple(dict.fromkeys(found))


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    redis_url: str | None
    secret_key: str
    bcrypt_cost: int
    session_days: int
    login_max_failures: int
    login_window_minutes: int
    demo_data: bool
    data_dir: Path
    cookie_secure: bool
    site_name: str
    platform_fee_percent: int = 20
    payment_gateway: str = "test"
    webhook_secret: str = ""
    # The public origin (https://learn.example.org) for links that leave the app: certificate QR
    # codes, credentials, redirects. Required in production; in development, empty means
    # localhost (core/origins.py), never the Host header of whoever asks.
    public_url: str = ""
    # Browser origins trusted for the websocket, CORS and state-changing HTTP requests, besides
    # the public URL's own origin (LMS_ALLOWED_ORIGINS, comma-separated). Required in production.
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Throttling beyond one address and one account (accounts/services/throttle.py): failed
    # sign-ins from one address over all accounts (password spraying), failed sign-ins on one
    # account from every address (well above the per-address limit, so one stranger cannot
    # lock the owner out), and new accounts from one address, per LMS_LOGIN_WINDOW_MINUTES.
    login_ip_max_failures: int = 50
    login_account_max_failures: int = 100
    register_ip_max: int = 20
    # Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the socket's
    # peer is the client). Per-address throttling counts the address this yields.
    trusted_proxy_hops: int = 0
    # Unhandled errors go to Sentry when set (core/error_reporting.py); empty: off.
    sentry_dsn: str = ""
    # Where stored files live (core/storage.py): "local" (the media folder) or "s3" (an
    # S3-compatible bucket, so several hosts serve one deployment).
    storage_backend: str = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_prefix: str = ""
    s3_public_url: str = ""
    # Lifetime of the presigned URLs private files are handed out as (object storage).
    storage_url_seconds: int = 300
    # Without Redis, a tab's state lives in the worker's memory: it is dropped this many minutes
    # after the tab's websocket disconnected (core/tab_expiry.py); a tab that comes back later
    # loads its page again. Redis expires states itself (redis_token_expiration).
    tab_state_idle_minutes: int = 10
    # Tax rates by the buyer's billing country for invoices (LMS_TAX_RATES="DE:19,FR:20,GB:20"):
    # ((country, basis points), ...). Prices are tax-inclusive; no rate for a country: no tax line.
    tax_rates: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    # Currencies courses may be priced in (LMS_CURRENCIES, ISO 4217 codes, comma-separated): the
    # course editor, the catalog's currency selector and the checkout offer these (core/currencies.py).
    currencies: tuple[str, ...] = ("USD", "EUR", "GBP", "INR", "NGN", "BRL", "JPY")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        """Private files (avatars, later lesson files); served only by app routes."""
        return self.data_dir / "media"

    def production_problems(self) -> list[str]:
        """Reasons the app must refuse to start in production mode (empty when fine)."""
        problems = []
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
            problems.append("LMS_SECRET_KEY is the default or shorter than 32 characters")
        elif len(set(self.secret_key)) < MIN_SECRET_DISTINCT:
            problems.append(f"LMS_SECRET_KEY has fewer than {MIN_SECRET_DISTINCT} different characters: "
                            "generate one with python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        if not self.cookie_secure:
            problems.append("LMS_COOKIE_SECURE is off: the session cookie would travel over plain HTTP")
        if not self.public_url:
            problems.append("LMS_PUBLIC_URL is missing: links, QR codes and credentials would name "
                            "whatever Host a request claims")
        elif not origin_of(self.public_url):
            problems.append("LMS_PUBLIC_URL must be an http(s) URL such as https://learn.example.org")
        if not self.allowed_origins:
            problems.append("LMS_ALLOWED_ORIGINS is missing: list the origins browsers use "
                            "(usually the public URL's, e.g. https://learn.example.org)")
        if self.demo_data:
            problems.append("LMS_DEMO_DATA is on: demo accounts have published passwords")
        if self.bcrypt_cost < 12:
            problems.append("LMS_BCRYPT_COST is below 12")
        if self.payment_gateway == "test":
            problems.append("LMS_PAYMENT_GATEWAY is 'test': dummy payments are refused in production")
        if self.payment_gateway != "test" and len(self.webhook_secret) < 16:
            problems.append("LMS_WEBHOOK_SECRET is missing or shorter than 16 characters")
        if self.storage_backend == "s3" and not self.s3_bucket:
            problems.append("LMS_STORAGE is 's3' but LMS_S3_BUCKET is missing")
        return problems


def load_settings() -> Settings:
    """Read and validate the environment (no caching: tests call it after changing env)."""
    environment = os.environ.get("LMS_ENV", "development").strip().lower()
    if environment not in ENVIRONMENTS:
        raise SettingsError(f"LMS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    data_dir = Path(os.environ.get("LMS_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    database_url = os.environ.get("LMS_DATABASE_URL") or f"sqlite:///{data_dir / 'lms.db'}"
    if database_url.startswith("postgresql://") or database_url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; accept the common spelling and say so in the URL.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    is_production = environment == "production"
    return Settings(
        environment=environment,
        database_url=database_url,
        redis_url=os.environ.get("LMS_REDIS_URL") or None,
        secret_key=os.environ.get("LMS_SECRET_KEY") or DEFAULT_SECRET_KEY,
        bcrypt_cost=_int("LMS_BCRYPT_COST", 12, 4, 16),
        session_days=_int("LMS_SESSION_DAYS", 14, 1, 365),
        login_max_failures=_int("LMS_LOGIN_MAX_FAILURES", 10, 1, 1000),
        login_window_minutes=_int("LMS_LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60),
        login_ip_max_failures=_int("LMS_LOGIN_IP_MAX_FAILURES", 50, 1, 100_000),
        login_account_max_failures=_int("LMS_LOGIN_ACCOUNT_MAX_FAILURES", 100, 1, 100_000),
        register_ip_max=_int("LMS_REGISTER_IP_MAX", 20, 1, 100_000),
        trusted_proxy_hops=_int("LMS_TRUSTED_PROXY_HOPS", 0, 0, 10),
        demo_data=_bool("LMS_DEMO_DATA", not is_production),
        data_dir=data_dir,
        cookie_secure=_bool("LMS_COOKIE_SECURE", is_production),
        site_name=os.environ.get("LMS_SITE_NAME") or "Lumen Learning",
        platform_fee_percent=_int("LMS_PLATFORM_FEE_PERCENT", 20, 0, 100),
        # Checked against the registered gateways (plugins) by commerce.gateways.get_gateway.
        payment_gateway=(os.environ.get("LMS_PAYMENT_GATEWAY") or "test").strip().lower(),
        webhook_secret=os.environ.get("LMS_WEBHOOK_SECRET") or "",
        public_url=(os.environ.get("LMS_PUBLIC_URL") or "").strip().rstrip("/"),
        allowed_origins=_origins("LMS_ALLOWED_ORIGINS"),
        sentry_dsn=(os.environ.get("LMS_SENTRY_DSN") or "").strip(),
        **_storage_settings(),
        tab_state_idle_minutes=_int("LMS_TAB_STATE_IDLE_MINUTES", 10, 1, 24 * 60),
        tax_rates=_tax_rates("LMS_TAX_RATES"),
        currencies=_currencies(),
    )


def _tax_rates(name: str) -> tuple[tuple[str, int], ...]:
    """``DE:19,FR:20,CH:8.1`` -> (("DE", 1900), ("FR", 2000), ("CH", 810)): percent, at most two
    decimals, per ISO 3166 country code."""
    from decimal import Decimal, InvalidOperation

    from lms_app.core.countries import is_country

    found: dict[str, int] = {}
    for item in (os.environ.get(name) or "").split(","):
        item = item.strip()
        if not item:
            continue
        code, sep, raw = item.partition(":")
        code = code.strip().upper()
        if not sep or not is_country(code):
            raise SettingsError(f"{name} lists COUNTRY:PERCENT pairs with ISO 3166 codes (DE:19,FR:20), not {item!r}")
        try:
            percent = Decimal(raw.strip())
        except InvalidOperation as exc:
            raise SettingsError(f"{name}: the rate of {code} must be a number, not {raw.strip()!r}") from exc
        bp = percent * 100
        if not percent.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= 10000:
            raise SettingsError(f"{name}: the rate of {code} must be 0-100 with at most two decimals, "
                                f"not {raw.strip()!r}")
        found[code] = int(bp)
    return tuple(sorted(found.items()))


def _currencies() -> tuple[str, ...]:
    from lms_app.core.currencies import parse_setting

    try:
        return parse_setting(os.environ.get("LMS_CURRENCIES"))
    except ValueError as exc:
        raise SettingsError(f"LMS_CURRENCIES must list ISO 4217 codes separated by commas: {exc}") from None


STORAGE_BACKENDS = ("local", "s3")


def _storage_settings() -> dict:
    backend = (os.environ.get("LMS_STORAGE") or "local").strip().lower()
    if backend not in STORAGE_BACKENDS:
        raise SettingsError(f"LMS_STORAGE must be one of {', '.join(STORAGE_BACKENDS)}, not {backend!r}")
    prefix = (os.environ.get("LMS_S3_PREFIX") or "").strip().strip("/")
    return dict(
        storage_backend=backend,
        s3_bucket=(os.environ.get("LMS_S3_BUCKET") or "").strip(),
        s3_endpoint_url=(os.environ.get("LMS_S3_ENDPOINT_URL") or "").strip().rstrip("/"),
        s3_region=(os.environ.get("LMS_S3_REGION") or "").strip(),
        s3_access_key_id=(os.environ.get("LMS_S3_ACCESS_KEY_ID") or "").strip(),
        s3_secret_access_key=os.environ.get("LMS_S3_SECRET_ACCESS_KEY") or "",
        s3_prefix=prefix + "/" if prefix else "",
        s3_public_url=(os.environ.get("LMS_S3_PUBLIC_URL") or "").strip().rstrip("/"),
        storage_url_seconds=_int("LMS_STORAGE_URL_SECONDS", 300, 1, 7 * 24 * 3600),
    )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; call ``get_settings.cache_clear()`` in tests)."""
    return load_settings()
