"""Browser tests against the production build, served once per test session.

The ``lms_server`` fixture prepares a fresh data directory (its own SQLite database, demo data,
fast bcrypt), then runs ``reflex run --env prod --single-port`` on a free port with its own
build directory (``.web-e2e``), so a developer's running app in ``.web`` is left alone. The
server log goes to ``test-artifacts/e2e/server.log``; any error or traceback that appears in
it while a test runs fails that test (the practice of Reflex's own integration tests).

On a failing test, a screenshot of every open page, its browser console and the tail of the
server log are saved under ``test-artifacts/e2e/``.

Knobs (environment):
  LMS_E2E_CHROMIUM       browser executable (default /usr/bin/chromium)
  LMS_E2E_START_TIMEOUT  seconds to wait for the first build and start (default 300)
  LMS_E2E_WEB_DIR        build directory (default <project>/.web-e2e)
  LMS_E2E_BASE_URL       test an already running server instead (no build, no fresh DB)
  LMS_E2E_HEADED=1       show the browser
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
START_TIMEOUT = float(os.environ.get("LMS_E2E_START_TIMEOUT", "300"))

# What counts as a server-side error in the log (Reflex logs handler exceptions as
# "[Reflex Backend Exception]" followed by the traceback).
ERROR_PATTERN = re.compile(
    r"Traceback \(most recent call last\)|\[Reflex (?:Backend|Frontend) Exception\]|\bERROR\b"
    r"|Exception in ASGI application|Unhandled exception",
)

DEMO = {
    "admin": ("admin@example.com", "admin12345"),
    "teacher": ("teacher@example.com", "teacher12345"),
    "learner": ("learner@example.com", "learner12345"),
}

expect.set_options(timeout=15_000)
_TIMINGS: dict[str, float] = {}


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: Path) -> dict[str, str]:
    """The server's own environment: nothing of the unit tests' LMS_* settings leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    venv_bin = ROOT / ".venv" / "bin"
    bun_bin = ROOT / "tools" / "bun" / "node_modules" / ".bin"
    env.update({
        "LMS_ENV": "test",
        "LMS_DATA_DIR": str(data_dir / "data"),
        "LMS_DATABASE_URL": f"sqlite:///{data_dir / 'data' / 'lms.db'}",
        "LMS_BCRYPT_COST": "4",
        "LMS_DEMO_DATA": "true",
        "LMS_COOKIE_SECURE": "false",
        "LMS_LOGIN_MAX_FAILURES": "50",
        # Every browser test registers its own learners from 127.0.0.1: far more than the default
        # 20 new accounts per address and window.
        "LMS_REGISTER_IP_MAX": "1000",
        # Invoices' tax lines by billing country (test_invoice_journey.py).
        "LMS_TAX_RATES": "DE:19,FR:20,GB:20",
        # Same offline settings as scripts/env.sh, so `pytest tests/e2e` works on its own.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), str(venv_bin), str(bun_bin),
                                 env.get("PATH", "")]),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
        "NPM_CONFIG_UPDATE_NOTIFIER": "false",
        "REFLEX_PERF_MODE": "raise",
        "REFLEX_WEB_WORKDIR": os.environ.get("LMS_E2E_WEB_DIR", str(ROOT / ".web-e2e")),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        "REFLEX_UPLOADED_FILES_DIR": str(data_dir / "uploaded_files"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    })
    env.pop("REFLEX_REDIS_URL", None)
    return env


def _get(url: str, timeout: float = 2.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local test server
        return response.read().decode("utf-8", "replace")


def _tail(path: Path, lines: int = 80) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@dataclass
class Server:
    base_url: str
    log_path: Path | None
    data_dir: Path | None
    started_in: float = 0.0
    proc: subprocess.Popen | None = None
    checked_until: int = 0  # log offset up to which errors have been blamed on a test

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path and self.log_path.exists() else 0

    def errors_since(self, offset: int, end: int | None = None) -> list[str]:
        """Error lines (with a little context) written to the log between ``offset`` and ``end``."""
        if not self.log_path:
            return []
        with self.log_path.open("rb") as fh:
            fh.seek(offset)
            text = fh.read(-1 if end is None else max(0, end - offset)).decode("utf-8", "replace")
        lines = text.splitlines()
        found, covered_until = [], 0
        for i, line in enumerate(lines):
            if i >= covered_until and ERROR_PATTERN.search(line):
                found.append("\n".join(lines[i:i + 25]))
                covered_until = i + 25
        return found

    def tail(self, lines: int = 80) -> str:
        return _tail(self.log_path, lines) if self.log_path else "(external server: no log)"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def lms_server(tmp_path_factory) -> Server:
    # Failure artifacts of an earlier session would only confuse: start clean.
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    external = os.environ.get("LMS_E2E_BASE_URL")
    if external:
        yield Server(base_url=external.rstrip("/"), log_path=None, data_dir=None)
        return

    data_dir = tmp_path_factory.mktemp("lms-e2e")
    env = _server_env(data_dir)
    log_path = ARTIFACTS / "server.log"
    started = time.monotonic()

    prepare = subprocess.run([sys.executable, "-m", "lms_app.manage", "prepare"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    if prepare.returncode != 0:
        pytest.fail(f"`python -m lms_app.manage prepare` failed:\n{prepare.stdout}\n{prepare.stderr}",
                    pytrace=False)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    # Socket.io and CORS take an exact origin list (localhost:3000/8000 by default outside
    # production); name this server's own origin, as a deployment names its public URL.
    env["LMS_ALLOWED_ORIGINS"] = base_url
    log = log_path.open("wb")
    log.write(f"# e2e server on {base_url}, data in {data_dir}\n".encode())
    log.flush()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", "--frontend-port", str(port),
         "--loglevel", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,  # own process group: teardown kills the workers too
    )
    server = Server(base_url=base_url, log_path=log_path, data_dir=data_dir, proc=proc)
    try:
        deadline = started + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"The server exited with code {proc.returncode} before answering /ping.\n"
                            f"Last lines of {log_path}:\n{_tail(log_path)}", pytrace=False)
            try:
                if _get(base_url + "/ping").strip().strip('"') == "pong":
                    # /ping answers before the frontend is mounted on some starts: wait for a page too.
                    _get(base_url + "/login", timeout=10)
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"The server did not answer /ping within {START_TIMEOUT:.0f} s.\n"
                            f"Last lines of {log_path}:\n{_tail(log_path)}", pytrace=False)
            time.sleep(0.5)
        server.started_in = time.monotonic() - started
        _TIMINGS["server"] = server.started_in
        print(f"\n[e2e] server ready on {base_url} after {server.started_in:.1f} s (log: {log_path})")
        start_errors = server.errors_since(0)
        server.checked_until = server.log_size()
        if start_errors:
            pytest.fail("The server logged errors while starting:\n" + "\n---\n".join(start_errors), pytrace=False)
        yield server
    finally:
        _stop(proc)
        log.close()
    unreported = server.errors_since(server.checked_until)
    if unreported:
        pytest.fail("The server logged errors after the last test:\n" + "\n---\n".join(unreported), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if "server" in _TIMINGS:
        terminalreporter.write_line(
            f"e2e: fresh database, production build and server start took {_TIMINGS['server']:.1f} s; "
            f"server log and failure artifacts in {ARTIFACTS.relative_to(ROOT)}/")


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}. Install Debian's chromium (apt-get install chromium) "
                    "or set LMS_E2E_CHROMIUM; scripts/test.sh does this for you.", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    headless=os.environ.get("LMS_E2E_HEADED") != "1")
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def new_context(browser: Browser, lms_server: Server, request):
    """Factory for browser contexts (each one is a separate person/browser profile)."""
    contexts: list[BrowserContext] = []
    console: dict[int, list[str]] = {}

    def make(**kwargs) -> BrowserContext:
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        kwargs.setdefault("color_scheme", "light")
        context = browser.new_context(base_url=lms_server.base_url, **kwargs)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)

        def on_page(page: Page) -> None:
            lines = console.setdefault(id(page), [])
            page.on("console", lambda msg: lines.append(f"[{msg.type}] {msg.text}"))
            page.on("pageerror", lambda exc: lines.append(f"[pageerror] {exc}"))

        context.on("page", on_page)
        contexts.append(context)
        return context

    yield make

    failed = any(getattr(request.node, f"rep_{when}", None) is not None
                 and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = _slug(request.node.nodeid)
        for c_ix, context in enumerate(contexts):
            for p_ix, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{slug}-ctx{c_ix}-page{p_ix}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True, timeout=10_000)
                except Exception as exc:  # the page may be gone; keep going
                    print(f"[e2e] no screenshot for {stem.name}: {exc}")
                Path(f"{stem}.console.txt").write_text(f"URL: {page.url}\n" + "\n".join(console.get(id(page), [])))
        (ARTIFACTS / f"{slug}-server-log-tail.txt").write_text(lms_server.tail(200))
        print(f"\n[e2e] failure artifacts in {ARTIFACTS} ({slug}-*)")
    for context in contexts:
        try:
            context.close()
        except Exception:
            pass


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """Fail the test when the server logs an error or traceback while it runs.

    Errors logged between two tests are blamed on the next one, so none goes unnoticed.
    """
    if "lms_server" not in request.fixturenames:
        yield
        return
    server: Server = request.getfixturevalue("lms_server")
    yield
    if server.log_path is None:
        return
    time.sleep(0.3)  # let the server flush what the last event logged
    end = server.log_size()
    errors = server.errors_since(server.checked_until, end)
    server.checked_until = end
    if errors:
        pytest.fail("The server logged errors during this test:\n" + "\n---\n".join(errors), pytrace=False)


# --------------------------------------------------------------------------- helpers


def account_menu(page: Page):
    """The navbar's account menu button (its accessible name is "Account menu")."""
    return page.get_by_role("button", name="Account menu")


def nav_sign_in(page: Page):
    """The navbar's "Sign in" link (the first one on the page: the navbar comes first)."""
    return page.get_by_role("link", name="Sign in", exact=True).first


class UI:
    """What a person does, by visible labels and roles."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    @staticmethod
    def ready(page: Page) -> None:
        """Wait until the app is connected and the navbar knows who is signed in.

        The navbar shows a skeleton until the page's on_load has resolved the session over
        the websocket; after that it shows either the account menu or "Sign in".
        """
        expect(account_menu(page).or_(nav_sign_in(page))).to_be_visible(timeout=30_000)

    def goto(self, page: Page, path: str) -> None:
        page.goto(path)
        self.ready(page)

    @staticmethod
    def signed_in(page: Page) -> None:
        expect(account_menu(page)).to_be_visible()

    @staticmethod
    def signed_out(page: Page) -> None:
        expect(nav_sign_in(page)).to_be_visible()
        expect(account_menu(page)).to_have_count(0)

    @staticmethod
    def path_is(page: Page, path: str, timeout: float = 30_000) -> None:
        """Wait for the URL's path to be ``path`` (query ignored)."""
        page.wait_for_url(re.compile(rf"^https?://[^/]+{re.escape(path)}/?(\?.*)?$"), timeout=timeout)

    def sign_in(self, page: Page, email: str, password: str) -> None:
        """Fill in and submit the sign-in form of the page that is open (must be /login)."""
        self.ready(page)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()

    def login(self, page: Page, email: str, password: str, lands_on: str | None = None) -> None:
        page.goto("/login")
        self.sign_in(page, email, password)
        if lands_on:
            self.path_is(page, lands_on)
        else:
            page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
        self.ready(page)
        self.signed_in(page)

    def register(self, page: Page, name: str, email: str, password: str) -> None:
        self.goto(page, "/register")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Create account").click()

    def sign_out(self, page: Page) -> None:
        account_menu(page).click()
        page.get_by_role("menuitem", name="Sign out").click()
        self.path_is(page, "/login")
        assert "signed_out=1" in page.url, page.url
        self.ready(page)


def mail_link(ui: "UI", new_context, email: str, subject: str, path: str) -> str:
    """The link of the newest mail to ``email`` with ``subject``, read as an admin in /admin/mail
    (the outbox: the e2e server has no SMTP server)."""
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/mail")
    row = admin.get_by_role("row").filter(has_text=email).filter(has_text=subject).first
    expect(row).to_be_visible()
    row.get_by_role("link", name=subject).click()
    body = admin.locator("#mail-body")
    expect(body).to_contain_text(path)
    found = re.search(rf"https?://\S+?{re.escape(path)}[A-Za-z0-9_\-]+", body.inner_text())
    assert found, body.inner_text()
    admin.context.close()
    return found.group(0)


@pytest.fixture
def verify_email(ui, new_context):
    """``verify_email(page, email)``: follow the verification mail's link on ``page``."""

    def verify(page: Page, email: str) -> None:
        page.goto(mail_link(ui, new_context, email, "Confirm your e-mail address", "/verify-email/"))
        expect(page.locator("#verify-ok")).to_be_visible()

    return verify


@pytest.fixture(scope="session", name="DEMO")
def demo_logins() -> dict[str, tuple[str, str]]:
    """Demo accounts by role: (email, password)."""
    return DEMO


@pytest.fixture(scope="session")
def ui(lms_server: Server) -> UI:
    return UI(lms_server.base_url)


@pytest.fixture
def unique_email(request) -> str:
    stamp = f"{time.time_ns() % 10**12:x}"
    return f"e2e-{_slug(request.node.name)[:30].lower().replace('_', '-')}-{stamp}@example.com"


@pytest.fixture
def new_learner(ui: UI, page: Page, unique_email: str):
    """A freshly registered learner, signed in on ``page``; returns (name, email, password)."""
    name, password = "Ada Tester", "correct horse battery"
    ui.register(page, name, unique_email, password)
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)
    return name, unique_email, password


# --------------------------------------------------------------------------- identity provider
# Sign-in with OpenID Connect (accounts/oidc, test_oidc.py): the e2e server is configured with a
# local provider on a port chosen now; the ``oidc_provider`` fixture serves it on that port.
_OIDC_PORT = _free_port()
_server_env_without_oidc = _server_env


def _server_env(data_dir: Path) -> dict[str, str]:  # noqa: F811  (adds the local provider's settings)
    from tests.oidc_provider import env_for

    return {**_server_env_without_oidc(data_dir), **env_for(_OIDC_PORT)}


@pytest.fixture(scope="session")
def oidc_provider():
    from tests.oidc_provider import LocalProvider

    provider = LocalProvider(port=_OIDC_PORT).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def stripe_lms_server(tmp_path_factory):
    """A second production server whose gateway is Stripe, pointed at a local Stripe stand-in
    (``tests/unit/payments/fakes.FakeStripe``); yields (Server, fake). Own data and web dirs."""
    from tests.unit.payments.fakes import STRIPE_WEBHOOK_SECRET, FakeStripe

    fake = FakeStripe()
    data_dir = tmp_path_factory.mktemp("lms-e2e-stripe")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir)
    env.update({"LMS_PAYMENT_GATEWAY": "stripe", "LMS_STRIPE_SECRET_KEY": "sk_test_fake",
                "LMS_STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET, "LMS_STRIPE_API_BASE": fake.base,
                "LMS_PUBLIC_URL": base_url, "LMS_ALLOWED_ORIGINS": base_url,
                "REFLEX_WEB_WORKDIR": os.environ.get("LMS_E2E_STRIPE_WEB_DIR", str(ROOT / ".web-e2e-stripe"))})
    fake.app_base = base_url
    prepare = subprocess.run([sys.executable, "-m", "lms_app.manage", "prepare"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert prepare.returncode == 0, prepare.stdout + prepare.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "server-stripe.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
                             "--frontend-port", str(port), "--loglevel", "info"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(base_url=base_url, log_path=log_path, data_dir=data_dir, proc=proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, f"the Stripe e2e server exited:\n{_tail(log_path)}"
            try:
                if _get(base_url + "/ping").strip().strip('"') == "pong":
                    _get(base_url + "/login", timeout=10)
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the Stripe e2e server did not start:\n{_tail(log_path)}"
            time.sleep(0.5)
        yield server, fake
    finally:
        _stop(proc)
        log.close()
        fake.close()
    errors = server.errors_since(0)
    assert not errors, "The Stripe e2e server logged errors:\n" + "\n---\n".join(errors)
