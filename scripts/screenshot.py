"""Screenshots of pages in light and dark mode, desktop and phone width (for looking, not testing).

Usage: python scripts/screenshot.py http://localhost:3000 out_dir /path [/path ...]
       [--login email:password]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("out")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--login", default="")
    parser.add_argument("--modes", default="light,dark")
    parser.add_argument("--widths", default="1280,390")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for mode in args.modes.split(","):
            for width in (int(w) for w in args.widths.split(",")):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
                page = context.new_page()
                if args.login:
                    email, password = args.login.split(":", 1)
                    page.goto(args.base + "/login")
                    page.get_by_label("Email").fill(email)
                    page.get_by_label("Password").fill(password)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url(lambda url: "/login" not in url, timeout=20000)
                for path in args.paths:
                    page.goto(args.base + path)
                    page.wait_for_timeout(1500)
                    name = (path.strip("/").replace("/", "_") or "home") + f"-{mode}-{width}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    print(out / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
