"""Development loop: from saving a page's Python source to the change showing in an open,
signed-in browser tab (`reflex run` in dev mode, hot reload).

1. Starts `reflex run` in dev mode on free ports (its own process group, its own data directory
   with fresh demo data, its own build directory `.web-devloop`, so a `.web` you are using is
   left alone) — or, with --attach URL, uses a dev server you already run from this checkout.
2. Signs in with Playwright (Debian's chromium) as a demo account and opens --page.
3. Each round: edits --file (appends a unique marker to the literal --text, a visible string of
   that page), times until the marker shows in the open tab; then restores the file and times
   until it is gone. Also notes when the compiled page (.web/app/...) first contained the marker
   (the Python → JavaScript part) and whether the tab kept its JavaScript state (hot module
   update) or was reloaded, and that the tab is still signed in.
4. Prints each round and the medians. The file is restored even on failure or Ctrl-C; the
   server it started is stopped (whole process group).

Usage (from the project root, virtualenv active; scripts/setup.sh --dev installs Playwright):
  python bench/dev_loop.py [--rounds 3] [--page /profile] [--role learner]
  python bench/dev_loop.py --attach http://localhost:3000 [--web-dir .web]
  python bench/dev_loop.py --page /dashboard --file lms_app/learning/pages/dashboard.py \
      --text "Pick up where you left off."
Prints figures; it is not a pass/fail test (exit 1 only when a marker never showed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO = {
    "admin": ("admin@example.com", "admin12345"),
    "teacher": ("teacher@example.com", "teacher12345"),
    "learner": ("learner@example.com", "learner12345"),
}
PAGES = {  # page → (source file, a visible literal string of that page)
    "/profile": ("lms_app/accounts/pages/profile.py", "How you appear to teachers and other learners."),
    "/dashboard": ("lms_app/learning/pages/dashboard.py", "Pick up where you left off."),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local server
            return response.status == 200
    except OSError:
        return False


class DevServer:
    """`reflex run` in dev mode in its own process group, with its own data and build dirs."""

    def __init__(self, log_path: Path):
        self.tmp = Path(tempfile.mkdtemp(prefix="lms-devloop-"))
        self.frontend_port, self.backend_port = free_port(), free_port()
        self.url = f"http://localhost:{self.frontend_port}"
        self.web_dir = ROOT / ".web-devloop"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        self.env.update({
            "LMS_ENV": "development",
            "LMS_DATA_DIR": str(self.tmp / "data"),
            "LMS_BCRYPT_COST": "4",  # sign-in speed is not what is measured here
            "REFLEX_WEB_WORKDIR": str(self.web_dir),
            "REFLEX_STATES_WORKDIR": str(self.tmp / "states"),
            "REFLEX_UPLOADED_FILES_DIR": str(self.tmp / "uploaded_files"),
            "PYTHONUNBUFFERED": "1",
            "NO_COLOR": "1",
        })

    def start(self) -> float:
        prepare = subprocess.run([sys.executable, "-m", "lms_app.manage", "prepare"], cwd=ROOT, env=self.env,
                                 capture_output=True, text=True, timeout=300)
        if prepare.returncode:
            raise SystemExit(f"`python -m lms_app.manage prepare` failed:\n{prepare.stdout}\n{prepare.stderr}")
        log = self.log_path.open("wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "dev", "--frontend-port", str(self.frontend_port),
             "--backend-port", str(self.backend_port), "--loglevel", "info"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = started + 600
        while not (http_ok(f"http://127.0.0.1:{self.backend_port}/ping") and http_ok(self.url + "/login")):
            if self.proc.poll() is not None:
                raise SystemExit(f"reflex run exited with {self.proc.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the dev server did not answer within 600 s; see {self.log_path}")
            time.sleep(0.2)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        shutil.rmtree(self.tmp, ignore_errors=True)


class CompiledWatch(threading.Thread):
    """Notes when a file under <web dir>/app first contains (or stops containing) ``needle``."""

    def __init__(self, app_dir: Path, needle: str, present: bool):
        super().__init__(daemon=True)
        self.app_dir, self.needle, self.present = app_dir, needle, present
        self.at: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            found = False
            for path in self.app_dir.rglob("*.jsx"):
                try:
                    if self.needle in path.read_text(errors="replace"):
                        found = True
                        break
                except OSError:
                    pass
            if found == self.present:
                self.at = time.monotonic()
                return
            time.sleep(0.02)


def describe(r: dict) -> str:
    compiled = f"{r['compiled']:.2f} s" if r["compiled"] is not None else "?"
    how = "hot update" if r["hmr"] else "page reloaded"
    return f"{r['visible']:.2f} s (page compiled after {compiled}; {how}; " \
           f"{'still signed in' if r['signed_in'] else 'SIGNED OUT'})"


def ready(page, timeout_ms: float = 60_000) -> None:
    """The app is connected and the navbar knows who is signed in (see tests/e2e/conftest.py)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Account menu").or_(
        page.get_by_role("link", name="Sign in", exact=True).first)).to_be_visible(timeout=timeout_ms)


def sign_in(page, role: str) -> float:
    from playwright.sync_api import expect

    email, password = DEMO[role]
    started = time.monotonic()
    page.goto("/login", timeout=120_000)
    ready(page, 120_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    ready(page)
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    return time.monotonic() - started


def one_edit(page, source: Path, new_text: str, needle: str, present: bool,
             web_dir: Path, timeout_s: float) -> dict:
    """Write ``new_text`` to ``source``; time until ``needle`` is (or is no longer) in the tab."""
    page.evaluate("() => { window.__devloopAlive = true; }")
    watch = CompiledWatch(web_dir / "app", needle, present)
    watch.start()
    t0 = time.monotonic()
    source.write_text(new_text)
    js = ("([m, want]) => (document.body && document.body.innerText.includes(m)) === want")
    page.wait_for_function(js, arg=[needle, present], polling="raf", timeout=timeout_s * 1000)
    visible = time.monotonic() - t0
    watch.join(timeout=0.5)
    watch.stop.set()
    kept_state = page.evaluate("() => window.__devloopAlive === true")
    signed_in = page.get_by_role("button", name="Account menu").count() > 0
    return {"visible": visible, "compiled": (watch.at - t0) if watch.at else None,
            "hmr": kept_state, "signed_in": signed_in}


def _interrupt(*_):
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attach", metavar="URL", help="use a dev server already running from this checkout")
    parser.add_argument("--web-dir", default=None, help="its build directory with --attach (default .web)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--role", choices=sorted(DEMO), default="learner")
    parser.add_argument("--page", default="/profile")
    parser.add_argument("--file", help="the page's Python source (default: known for /profile, /dashboard)")
    parser.add_argument("--text", help="a visible string literal of that page to append the marker to")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for one edit to show")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between edits")
    parser.add_argument("--headed", action="store_true")
    args = parser.parse_args()

    rel_file, text = PAGES.get(args.page, (None, None))
    rel_file, text = args.file or rel_file, args.text or text
    if not rel_file or not text:
        parser.error(f"--file and --text are needed for {args.page}")
    source = ROOT / rel_file
    original = source.read_text()
    if original.count(text) < 1:
        parser.error(f"{text!r} is not in {rel_file}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set LMS_E2E_CHROMIUM)")

    from playwright.sync_api import sync_playwright

    log_dir = ROOT / "bench" / "results"
    log_dir.mkdir(parents=True, exist_ok=True)
    server = None
    # Restore the page on SIGTERM too (Ctrl-C raises KeyboardInterrupt and reaches `finally`).
    signal.signal(signal.SIGTERM, _interrupt)
    rounds: list[dict] = []
    try:
        if args.attach:
            base_url = args.attach.rstrip("/")
            web_dir = Path(args.web_dir or os.environ.get("REFLEX_WEB_WORKDIR") or ROOT / ".web").resolve()
            print(f"attached to {base_url} (build directory {web_dir})")
            start_s = None
        else:
            server = DevServer(log_dir / "dev_loop-server.log")
            cold = not (server.web_dir / "node_modules").exists()
            print(f"starting `reflex run` (dev) on {server.url}, backend :{server.backend_port}, "
                  f"build dir {server.web_dir.name} ({'cold: installs frontend packages' if cold else 'warm'}); "
                  f"log {server.log_path.relative_to(ROOT)}")
            start_s = server.start()
            base_url, web_dir = server.url, server.web_dir
            print(f"first start: dev server answering after {start_s:.1f} s")
        after_start = time.monotonic()

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=not args.headed)
            context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            signin_s = sign_in(page, args.role)
            print(f"signed in as {args.role} in {signin_s:.1f} s (first visit compiles the pages in Vite)")
            page.goto(args.page)
            ready(page)
            page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
            if page.get_by_role("button", name="Account menu").count() == 0:
                raise SystemExit(f"{args.page} is not signed in: the sign-in did not stick")
            if start_s is not None:
                first_page_s = start_s + (time.monotonic() - after_start)
                print(f"first start to a signed-in {args.page} in the tab: {first_page_s:.1f} s "
                      "(server start, browser start, sign-in, page)")
            time.sleep(args.settle)
            for n in range(1, args.rounds + 1):
                marker = f"devloop-{uuid.uuid4().hex[:10]}"
                edited = original.replace(text, f"{text} {marker}", 1)
                shown = one_edit(page, source, edited, marker, True, web_dir, args.timeout)
                time.sleep(args.settle)
                gone = one_edit(page, source, original, marker, False, web_dir, args.timeout)
                rounds.append({"shown": shown, "gone": gone})
                print(f"round {n}: edit → visible {describe(shown)}; restore → gone {describe(gone)}")
                time.sleep(args.settle)
            screenshot = log_dir / "dev_loop-page.png"
            page.screenshot(path=str(screenshot))
            browser.close()
    except KeyboardInterrupt:
        print("interrupted")
        return 130
    finally:
        if source.read_text() != original:
            source.write_text(original)
            print(f"restored {rel_file}")
        if server:
            server.stop()

    shown = [r["shown"]["visible"] for r in rounds]
    gone = [r["gone"]["visible"] for r in rounds]
    compiled = [r["shown"]["compiled"] for r in rounds if r["shown"]["compiled"] is not None]
    print(f"\nedit → visible in the open tab, median of {len(shown)}: {statistics.median(shown):.2f} s "
          f"(min {min(shown):.2f}, max {max(shown):.2f}); restore → gone: {statistics.median(gone):.2f} s")
    if compiled:
        print(f"  of which Python → compiled page in {web_dir.name}/app: median {statistics.median(compiled):.2f} s")
    if start_s is not None:
        print(f"first start: reflex run → dev server answering {start_s:.1f} s; "
              f"→ signed-in {args.page} in the tab {first_page_s:.1f} s")
    print(f"screenshot of the tab: {screenshot.relative_to(ROOT)}  (machine: {os.cpu_count()} CPUs)")
    return 0 if all(r["shown"]["signed_in"] for r in rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
