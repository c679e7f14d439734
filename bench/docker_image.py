"""The production image: its size, and the time from `docker run` to a healthy container.

For each of N runs a container starts like scripts/docker-check.sh starts it (production mode,
SQLite, read-only root filesystem, data in a fresh volume, /tmp a tmpfs) and the clock runs from
just before `docker run` to
  - the first 200 from /api/health (database and job queue answer; migrations of an empty
    database included: "fresh"), and
  - Docker reporting "healthy" (its probe runs every 5 s: HEALTHCHECK --interval=5s);
then the container is stopped and started again on the same data ("restart": no migration to
apply). Prints each run and the medians, plus the image size and what is in it.

Targets (issue 16): image <= 400 MB; healthy <= 5 s after start.

Usage: python bench/docker_image.py [--image lms-app:check] [--runs 5]
(build the image first: scripts/docker-check.sh, or
 docker build --build-arg BASE_IMAGE="$(scripts/docker-base.sh)" -t lms-app:check .)
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import time
import urllib.request


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(name: str) -> float:
    """CPU time the container's processes used so far (its cgroup; v1 or v2)."""
    out = docker("exec", name, "bash", "-c", "cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null "
                 "|| grep usage_usec /sys/fs/cgroup/cpu.stat")
    return int(out.split()[-1]) / (1e3 if out.startswith("usage_usec") else 1e9)


def wait(name: str, port: int, t0: float, timeout: float = 120) -> tuple[float, float, float]:
    """(seconds to the first 200 from /api/health, seconds to Docker's "healthy", CPU seconds
    used by then: the figure a busy machine does not distort)."""
    http_at = cpu = None
    while time.time() - t0 < timeout:
        if http_at is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    if r.status == 200:
                        http_at = time.time() - t0
                        cpu = cpu_seconds(name)
            except Exception:  # noqa: BLE001 - not up yet
                pass
        if http_at is not None and docker("inspect", "-f", "{{.State.Health.Status}}", name) == "healthy":
            return http_at, time.time() - t0, cpu
        time.sleep(0.05)
    raise SystemExit(f"{name} not healthy after {timeout} s:\n" + subprocess.run(
        ["docker", "logs", "--tail", "30", name], capture_output=True, text=True).stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", default="lms-app:check")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    size = int(docker("image", "inspect", "-f", "{{.Size}}", args.image))
    print(f"image {args.image}: {size / 1e6:.0f} MB")
    layers = docker("history", "--format", "{{.Size}}\t{{.CreatedBy}}", args.image).splitlines()
    for line in layers:
        layer_size, _, created_by = line.partition("\t")
        created_by = created_by or "(base image)"
        if layer_size not in ("0B", "0"):
            print(f"  {layer_size:>8}  {created_by[:110]}")
    probe = docker("run", "--rm", "--entrypoint", "bash", args.image, "-c",
                   "du -sm /opt/venv /app/.web/build 2>/dev/null | tr '\\n' ' '; command -v node bun || true")
    print(f"  in it: {probe}")

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work slows the wall times)")
    fresh, fresh_docker, restart, restart_docker, fresh_cpu, restart_cpu = [], [], [], [], [], []
    for run in range(1, args.runs + 1):
        name, volume, port = f"lms-bench-{secrets.token_hex(3)}", f"lms-bench-data-{secrets.token_hex(3)}", free_port()
        docker("volume", "create", volume)
        try:
            env = {"LMS_SECRET_KEY": secrets.token_urlsafe(48), "LMS_WEBHOOK_SECRET": secrets.token_urlsafe(24),
                   "LMS_PAYMENT_GATEWAY": "webhook", "LMS_PUBLIC_URL": f"http://127.0.0.1:{port}",
                   "LMS_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}"}
            flags = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
            t0 = time.time()
            docker("run", "-d", "--name", name, "--init", "--read-only", "--tmpfs", "/tmp", "-v", f"{volume}:/app/data",
                   "-p", f"127.0.0.1:{port}:3000", *flags, args.image)
            http_s, docker_s, cpu_s = wait(name, port, t0)
            fresh.append(http_s)
            fresh_cpu.append(cpu_s)
            fresh_docker.append(docker_s)
            docker("stop", "-t", "10", name)
            t0 = time.time()
            docker("start", name)
            http_r, docker_r, cpu_r = wait(name, port, t0)  # (a started container has a new cgroup: CPU from 0)
            restart.append(http_r)
            restart_cpu.append(cpu_r)
            restart_docker.append(docker_r)
            print(f"run {run}: fresh volume /api/health 200 after {http_s:.2f} s, {cpu_s:.2f} CPU s "
                  f"(Docker healthy {docker_s:.1f} s); restart {http_r:.2f} s, {cpu_r:.2f} CPU s "
                  f"(Docker healthy {docker_r:.1f} s); load average {os.getloadavg()[0]:.1f}")
        finally:
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)
            subprocess.run(["docker", "volume", "rm", volume], capture_output=True)
    print(f"median of {args.runs}: start to /api/health 200: fresh {statistics.median(fresh):.2f} s, "
          f"restart {statistics.median(restart):.2f} s; CPU seconds used by then: fresh "
          f"{statistics.median(fresh_cpu):.2f}, restart {statistics.median(restart_cpu):.2f}; start to Docker 'healthy': fresh "
          f"{statistics.median(fresh_docker):.1f} s, restart {statistics.median(restart_docker):.1f} s")


if __name__ == "__main__":
    main()
