"""Serve a prebuilt production frontend and the backend on one port, without building anything.

``python -m lms_app.serve`` is what the container image runs: the frontend was exported once at
image build time (``reflex export --frontend-only --no-zip``, output in ``.web/build/client``),
so start-up is: migrate (``manage prepare``, which also refuses unsafe production settings),
then the same server ``reflex run --env prod --single-port`` starts after its build step —
Reflex's production backend with the compiled frontend mounted (``run_backend_prod`` with
``mount_frontend_compiled_app``) — in one process, with Reflex's compile skipped.

Nothing under the project directory is written, so the root filesystem may be read-only: the
files Reflex writes at start (the ``.web/backend`` markers, the public upload folder) go to a
runtime folder (``LMS_RUNTIME_DIR``, default ``$TMPDIR/lms-runtime``; a tmpfs in the container).

Options: ``--host`` (default 0.0.0.0), ``--port`` (default ``$LMS_PORT`` or 3000),
``--no-prepare`` (skip the migration step, e.g. when another container ran it).
Log level: ``LMS_LOG_LEVEL`` (default info).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

BUILD = Path(".web") / "build"


def runtime_web_dir(project: Path, runtime: Path) -> Path:
    """A writable Reflex web folder whose ``build`` is the read-only export in ``project``."""
    web = runtime / "web"
    web.mkdir(parents=True, exist_ok=True)
    link = web / "build"
    if link.is_symlink() or link.exists():
        if link.is_symlink() and link.resolve() == (project / BUILD).resolve():
            pass
        elif link.is_symlink() or link.is_file():
            link.unlink()
        else:
            shutil.rmtree(link)
    if not link.exists():
        link.symlink_to((project / BUILD).resolve(), target_is_directory=True)
    built_backend = project / ".web" / "backend"  # markers the export left (e.g. upload_is_used)
    if built_backend.is_dir():
        shutil.copytree(built_backend, web / "backend", dirs_exist_ok=True)
    return web


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms_app.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("LMS_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LMS_PORT", "3000")))
    parser.add_argument("--no-prepare", action="store_true", help="do not migrate before serving")
    args = parser.parse_args(argv)

    project = Path.cwd()
    if not (project / "rxconfig.py").is_file():
        print("Run from the project folder (where rxconfig.py is).", file=sys.stderr)
        return 2
    if not (project / BUILD / "client" / "index.html").is_file():
        print("No exported frontend in .web/build/client: run `reflex export --frontend-only --no-zip` "
              "first (the Dockerfile's build stage does).", file=sys.stderr)
        return 2
    runtime = Path(os.environ.get("LMS_RUNTIME_DIR") or Path(tempfile.gettempdir()) / "lms-runtime")
    web = runtime_web_dir(project, runtime)
    os.environ["REFLEX_WEB_WORKDIR"] = str(web)
    # Reflex's public /_upload folder: the app keeps no file there (its media are in LMS_DATA_DIR).
    os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(runtime / "uploaded_files"))

    from reflex_base import constants
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)

    if not args.no_prepare:
        from lms_app import manage

        if code := manage.main(["prepare"]):
            return code

    from reflex.utils import exec as reflex_exec

    level = constants.LogLevel.from_string(os.environ.get("LMS_LOG_LEVEL") or "info") or constants.LogLevel.INFO
    reflex_exec.run_backend_prod(args.host, args.port, level.subprocess_level(), mount_frontend_compiled_app=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
