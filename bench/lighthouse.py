"""Lighthouse scores, time to visible content and layout shift of the public pages.

    python bench/lighthouse.py --base-url http://127.0.0.1:PORT [--runs 10] [--skip-lighthouse]

Against a production server with demo data (``reflex run --env prod`` with ``LMS_DEMO_DATA=true``;
see bench/README.md). Prints three tables:

1. Lighthouse (npm ``lighthouse``, pinned in tools/lighthouse, installed there with ``npm ci`` on
   first use) driving Debian's Chromium (``CHROME_PATH``, default /usr/bin/chromium): performance,
   accessibility, best practices and SEO scores, plus LCP and CLS, for home, /courses and a course
   page, mobile (Lighthouse's default: Moto G class device, simulated slow 4G) and desktop
   (``--preset=desktop``).
2. Time from navigation start to the first course title visible on /courses and to the course
   description visible on the course page: one warm-up visit, then ``--runs`` timed visits in the
   same browser context (warm HTTP cache), median / min / max. The clock is the page's own
   ``performance.now()`` (0 = navigation start), read in the animation frame where the element is
   first visible.
3. Cumulative layout shift (PerformanceObserver ``layout-shift`` entries without recent input,
   summed over the first ``--settle`` seconds) at 1280 px and 390 px, median of the visits.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "lighthouse"
LIGHTHOUSE_CLI = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COURSE = "python-from-zero"
PAGES = {"home": "/", "courses": "/courses", "course": f"/courses/{COURSE}"}

# Visible = rendered with a size, not hidden, not inside a skeleton (the course description sits
# below the fold at 1280 x 900, so "in the viewport" is not asked).
_VISIBLE = """(el) => { if (!el) return false; const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
         && !el.closest('.rt-Skeleton'); }"""
COURSE_TITLES = f"""() => {{ const visible = {_VISIBLE};
  const link = [...document.querySelectorAll('main h3 a[href^="/courses/"]')].find(a => a.textContent.trim() && visible(a));
  return link ? performance.now() : false; }}"""
DESCRIPTION = f"""() => {{ const visible = {_VISIBLE};
  const h = [...document.querySelectorAll('main h2')].find(e => e.textContent.trim() === 'About this course');
  const body = h && h.nextElementSibling;
  return body && body.innerText.trim().length > 40 && visible(body) ? performance.now() : false; }}"""
CLS_OBSERVER = """window.__cls = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});"""


def node() -> str:
    for candidate in (Path(sys.executable).parent / "node", Path("/usr/bin/node")):
        if candidate.exists():
            return str(candidate)
    return "node"


def ensure_lighthouse() -> None:
    if LIGHTHOUSE_CLI.exists():
        return
    npm = Path(sys.executable).parent / "npm"
    print("==> installing lighthouse from the npm registry into tools/lighthouse (npm ci)", file=sys.stderr)
    subprocess.run([str(npm) if npm.exists() else "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=TOOLS, check=True)


def lighthouse(url: str, form_factor: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [node(), str(LIGHTHOUSE_CLI), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROME_FLAGS)}",
               "--max-wait-for-load=60000"]
        if form_factor == "desktop":
            cmd.append("--preset=desktop")
        for attempt in range(3):  # a loaded machine sometimes loses the trace (NO_NAVSTART): run again
            done = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300,
                                  stdout=subprocess.DEVNULL)
            if done.returncode == 0:
                break
        done.check_returncode()
        report = json.loads(out.read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    return scores


def run_lighthouse(base: str, factors: list[str]) -> None:
    ensure_lighthouse()
    print(f"\nLighthouse ({LIGHTHOUSE_CLI.parent.name} {_lighthouse_version()}, Chromium at {CHROME})")
    print(f"{'page':8} {'device':8} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5} {'LCP ms':>7} {'CLS':>6}")
    for factor in factors:
        for name, path in PAGES.items():
            s = lighthouse(base + path, factor)
            print(f"{name:8} {factor:8} {s['performance']:5} {s['accessibility']:5} {s['best-practices']:5} "
                  f"{s['seo']:5} {s['lcp_ms']:7} {s['cls']:6}", flush=True)


def _lighthouse_version() -> str:
    try:
        return json.loads((LIGHTHOUSE_CLI.parents[1] / "package.json").read_text())["version"]
    except OSError:
        return "?"


def timings(base: str, runs: int, settle: float) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROME, args=[f for f in CHROME_FLAGS if f != "--headless=new"])
        print(f"\nTime from navigation start to visible content, warm, median of {runs} (min-max), ms")
        for label, path, probe in (("course titles on /courses", "/courses", COURSE_TITLES),
                                   (f"description on /courses/{COURSE}", PAGES["course"], DESCRIPTION)):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            values = []
            for i in range(runs + 1):
                page.goto(base + path, wait_until="commit")
                handle = page.wait_for_function(probe, polling="raf", timeout=90_000)
                if i:  # the first visit warms the cache
                    values.append(handle.json_value())
            context.close()
            print(f"  {label:42} {statistics.median(values):7.0f}  ({min(values):.0f}-{max(values):.0f})", flush=True)

        print(f"\nCumulative layout shift over the first {settle:.0f} s, median of {runs} visits")
        for width in (1280, 390):
            for name, path in PAGES.items():
                context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
                context.add_init_script(CLS_OBSERVER)
                page = context.new_page()
                values = []
                for i in range(runs + 1):
                    page.goto(base + path)
                    page.wait_for_timeout(settle * 1000)
                    if i:
                        values.append(page.evaluate("() => window.__cls"))
                context.close()
                print(f"  {name:8} {width:5} px  CLS {statistics.median(values):.3f}  (max {max(values):.3f})",
                      flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--settle", type=float, default=4.0, help="seconds to collect layout shifts per visit")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-timings", action="store_true")
    parser.add_argument("--form-factor", choices=["mobile", "desktop", "both"], default="both")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    print(f"{base}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if not args.skip_lighthouse:
        run_lighthouse(base, ["mobile", "desktop"] if args.form_factor == "both" else [args.form_factor])
    if not args.skip_timings:
        timings(base, args.runs, args.settle)


if __name__ == "__main__":
    main()
