"""Command line for operators: ``python -m lms_app.manage migrate|seed|prepare|check|create-admin``.

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


def demo_accounts_in_use() -> list[str]:
    from lms_app.db import session_scope
    from lms_app.services.seed import active_demo_logins

    with session_scope() as session:
        return active_demo_logins(session)


def create_admin(email: str | None, name: str) -> int:
    """The first admin of a production install (password from LMS_ADMIN_PASSWORD or a prompt)."""
    import getpass
    import os

    from lms_app.db import session_scope
    from lms_app.services.accounts import register
    from lms_app.services.errors import ServiceError

    password = os.environ.get("LMS_ADMIN_PASSWORD") or getpass.getpass("Password for the new admin: ")
    try:
        with session_scope() as session:
            user = register(session, get_settings(), name, email, password, role="admin")
            print(f"Created admin {user.email}.")
    except ServiceError as exc:
        print(f"Not created: {exc.message}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms_app.manage")
    parser.add_argument("command", choices=["migrate", "seed", "prepare", "check", "create-admin"])
    parser.add_argument("--email", help="create-admin: the admin's email")
    parser.add_argument("--name", default="Administrator", help="create-admin: the admin's name")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.is_production and (problems := settings.production_problems()):
        print("Refusing to run in production mode:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    if args.command == "create-admin":
        return create_admin(args.email, args.name)
    if args.command == "check":
        print(f"Configuration OK ({settings.environment}, {settings.database_url.split('://')[0]}).")
        return 0
    if args.command in ("migrate", "prepare"):
        migrate()
    if settings.is_production and (demo_logins := demo_accounts_in_use()):
        print("Refusing to run in production mode: demo accounts still sign in with their published "
              "passwords: " + ", ".join(demo_logins) + ". Change their passwords or deactivate them.",
              file=sys.stderr)
        return 2
    if args.command == "seed" or (args.command == "prepare" and settings.demo_data):
        created = seed()
        print("Demo data: " + (", ".join(f"{v} {k}" for k, v in created.items() if v) or "already present"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
