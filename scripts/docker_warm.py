"""Docker build stage: one throwaway production start, so the image carries the byte-code of
exactly the modules a start imports (the runtime root filesystem may be read-only: nothing can
be cached there, and byte-compiling every installed module would add ~90 MB).

Starts ``python -m lms_app.serve`` in production mode on a scratch SQLite folder, waits for
/api/health to answer 200, imports what the job worker and ``manage`` import, then stops it.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

PORT = 3999


def main() -> int:
    scratch = tempfile.mkdtemp(prefix="lms-warm-")
    env = {**os.environ, "LMS_ENV": "production", "LMS_DEMO_DATA": "false", "LMS_DATA_DIR": f"{scratch}/data",
           "LMS_RUNTIME_DIR": f"{scratch}/runtime", "LMS_SECRET_KEY": secrets.token_urlsafe(48),
           "LMS_WEBHOOK_SECRET": secrets.token_urlsafe(24), "LMS_PAYMENT_GATEWAY": "webhook",
           "LMS_PUBLIC_URL": "http://localhost:3000", "LMS_ALLOWED_ORIGINS": "http://localhost:3000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    log = open(f"{scratch}/serve.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "lms_app.serve", "--port", str(PORT)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 600
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if server.poll() is not None or time.time() > deadline:
                log.seek(0)
                print(log.read()[-3000:], file=sys.stderr)
                print("the warm-up start did not become healthy", file=sys.stderr)
                return 1
            time.sleep(0.5)
        subprocess.run([sys.executable, "-c", "import lms_app.jobs.worker, lms_app.manage, huey.consumer"],
                       env=env, check=True)
        print("warm-up start healthy: byte-code written for the modules a start imports")
        return 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        subprocess.run(["rm", "-rf", scratch], check=False)


if __name__ == "__main__":
    raise SystemExit(main())
