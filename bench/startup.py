"""App start-up: time and memory to import and assemble the app, here and at another git ref.

What the plugin manager could slow down is the assembly: loading the built-in plugins and the
installed ones, calling their hooks, adding every page. This runs, in a fresh interpreter each
time, ``import <app module>`` (which builds ``rx.App`` and adds every page) and then evaluates
every page's component tree (what the production build's compile step does first), and prints
the median wall time of both steps and the peak RSS. ``--ref`` measures another commit the same
way in a temporary git worktree (e.g. the commit before the feature packages), sharing this
virtualenv.

    python bench/startup.py                 # this tree
    python bench/startup.py --ref d1c1fc4   # and the flat layout before the plugin API
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

PROBE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import importlib
mod = importlib.import_module(sys.argv[1])
t1 = time.perf_counter()
pages = mod.app._unevaluated_pages
for p in pages.values():
    c = p.component() if callable(p.component) else p.component
t2 = time.perf_counter()
plugins = None
try:
    from lms_app.core import plugins as pl
    t3 = time.perf_counter(); pl.manager.cache_clear(); pl.refresh(); pl.manager(); pl.collect_all()
    plugins = (time.perf_counter() - t3) * 1e3
except ImportError:
    pass
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "pages_ms": (t2 - t1) * 1e3, "pages": len(pages),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "plugins_ms": plugins}))
"""


def measure(tree: Path, module: str, runs: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), LMS_DATA_DIR=tempfile.mkdtemp(prefix="lms-startup-"))
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE, module], cwd=tree, env=env, check=True,
                             capture_output=True, text=True).stdout
        samples.append(json.loads(out.strip().splitlines()[-1]))
    keys = ("import_ms", "pages_ms", "rss_mb")
    result = {k: statistics.median(s[k] for s in samples) for k in keys}
    result["pages"] = samples[0]["pages"]
    if samples[0]["plugins_ms"] is not None:
        result["plugins_ms"] = statistics.median(s["plugins_ms"] for s in samples)
    return result


def show(label: str, r: dict) -> None:
    extra = f", plugin manager load + all hooks {r['plugins_ms']:.1f} ms" if "plugins_ms" in r else ""
    print(f"{label:<22} import+assemble {r['import_ms']:7.0f} ms   evaluate {r['pages']} pages "
          f"{r['pages_ms']:6.0f} ms   peak RSS {r['rss_mb']:6.1f} MB{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="also measure this git ref (a temporary worktree)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.runs} fresh interpreters each, median; {os.cpu_count()} CPUs")
    if args.ref:
        with tempfile.TemporaryDirectory(prefix="lms-ref-") as tmp:
            subprocess.run(["git", "worktree", "add", "--detach", tmp, args.ref], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                module = "lms_app.app" if (Path(tmp) / "lms_app" / "app.py").exists() else "lms_app.lms_app"
                show(f"{args.ref} ({module})", measure(Path(tmp), module, args.runs))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", tmp], cwd=ROOT, check=False)
    show("this tree (lms_app.app)", measure(ROOT, "lms_app.app", args.runs))


if __name__ == "__main__":
    main()
