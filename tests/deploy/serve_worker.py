"""One more app worker that serves an existing production build without compiling it again.

``python tests/deploy/serve_worker.py PORT`` (environment as for ``reflex run``, with
``REFLEX_WEB_WORKDIR`` naming the folder a first ``reflex run --env prod`` built): Reflex's own
production backend (Granian) with the compiled frontend mounted, i.e. what ``reflex run --env
prod --single-port`` does after its build step. Several of these share one build, as several
containers of one image would.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    port = int(sys.argv[1])
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ["REFLEX_ENV_MODE"] = "prod"
    os.environ["REFLEX_SKIP_COMPILE"] = "true"
    from reflex_base import constants
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    from reflex.utils import exec as rx_exec

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    get_config()._set_persistent(frontend_port=port, backend_port=port)
    rx_exec.run_backend_prod("127.0.0.1", port, constants.LogLevel.INFO, mount_frontend_compiled_app=True)


if __name__ == "__main__":
    main()
