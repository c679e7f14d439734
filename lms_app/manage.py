"""Command line for operators: ``python -m lms_app.manage migrate|seed|prepare|check``.

Migrations never run on import; the run command calls ``prepare`` (migrate, then seed when
demo data is on) before starting the server.
"""

from __future__ import annotations

import argparse
import sys

from lms_app.settings import PROJECT_ROOT, SettingsError, get_settings


def alembic_config():
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return cfg


def migrate() -> None:
    from alembic import command

    command.upgrade(alembic_config(), "head")


def seed() -> dict[str, int]:
    from lms_app.db import session_scope
    from lms_app.services.seed import seed_demo_data

    with session_scope() as session:
        return seed_demo_data(session, get_settings())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms_app.manage")
    parser.add_argument("command", choices=["migrate", "seed", "prepare", "check"])
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.is_production and (problems := settings.production_problems()):
        print("Refusing to run in production mode:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"Configuration OK ({settings.environment}, {settings.database_url.split('://')[0]}).")
        return 0
    if args.command in ("migrate", "prepare"):
        migrate()
    if args.command == "seed" or (args.command == "prepare" and settings.demo_data):
        created = seed()
        print("Demo data: " + (", ".join(f"{v} {k}" for k, v in created.items() if v) or "already present"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
