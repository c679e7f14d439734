"""Command line for operators: ``python -m lms_app.manage migrate|seed|prepare|check|create-admin|plugins|jobs|
worker|makemigrations|hooks-doc|backup|restore``.

Migrations never run on import; the run command calls ``prepare`` (migrate, then seed when
demo data is on) before starting the server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lms_app.core.settings import PROJECT_ROOT, SettingsError, get_settings


def alembic_config():
    """The built-in migrations plus every installed plugin's own branch (``lms_migrations``)."""
    import os

    from alembic.config import Config

    from lms_app.core import plugins

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    locations = [str(PROJECT_ROOT / "alembic" / "versions")]
    locations += [spec.path for spec in plugins.collected("lms_migrations")]
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    return cfg


def migrate() -> None:
    """Upgrade the app's history and every plugin branch (``heads``: one per branch)."""
    from alembic import command

    command.upgrade(alembic_config(), "heads")


def make_migration(message: str | None, branch: str | None) -> int:
    """Autogenerate a revision on the built-in history, or on an installed plugin's branch.

    The plain ``alembic revision`` command knows only the built-in folder; this one knows every
    plugin branch (``lms_migrations``), so it also works once a plugin's tables are migrated.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    from lms_app.core import plugins

    if not message:
        print("Say what changed: makemigrations -m 'add the notes table'", file=sys.stderr)
        return 2
    cfg = alembic_config()
    builtin = str(PROJECT_ROOT / "alembic" / "versions")
    if branch:
        specs = {spec.branch: spec for spec in plugins.collected("lms_migrations")}
        if branch not in specs:
            print(f"No plugin branch {branch!r}. Branches: {', '.join(specs) or 'none'}", file=sys.stderr)
            return 2
        head, path = f"{branch}@head", specs[branch].path
    else:
        script = ScriptDirectory.from_config(cfg)
        heads = [h for h in script.get_heads() if str(Path(script.get_revision(h).path).parent) == builtin]
        head, path = heads[0], builtin
    revision = command.revision(cfg, message=message, autogenerate=True, head=head, version_path=path)
    print(f"Wrote {revision.path}: read it, keep only this branch's tables, then commit it.")
    return 0


def list_plugins() -> int:
    from lms_app.core import plugins

    for row in plugins.installed():
        print(f"{row['name']:<14} {row['source']:<28} {row['module']}")
        if row["hooks"]:
            print(f"{'':<14} hooks: {', '.join(row['hooks'])}")
    return 0


def jobs(action: str | None, name: str | None) -> int:
    """List the periodic jobs plugins declare, or run one round of one (``jobs run NAME``)."""
    from lms_app.core import plugins
    from lms_app.core.db import session_scope

    declared = {job.name: job for job in plugins.collected("lms_scheduled_jobs")}
    if action == "drain":
        from lms_app.jobs.queue import drain

        print(f"ran {drain()} queued jobs")
        return 0
    if action is None:
        for job in declared.values():
            print(f"{job.name:<28} every {job.every_minutes:>5} min  {job.help}")
        return 0
    if name not in declared:
        print(f"No job named {name!r}. Jobs: {', '.join(declared) or 'none'}", file=sys.stderr)
        return 2
    from lms_app.jobs.queue import run_scheduled

    done = run_scheduled(name)  # recorded in job_runs like the worker's rounds
    print(f"{name}: {done}")
    return 0


def seed() -> dict[str, int]:
    from lms_app.core.db import session_scope
    from lms_app.demo.seed import seed_demo_data

    with session_scope() as session:
        return seed_demo_data(session, get_settings())


def demo_accounts_in_use() -> list[str]:
    from lms_app.core.db import session_scope
    from lms_app.demo.seed import active_demo_logins

    with session_scope() as session:
        return active_demo_logins(session)


def create_admin(email: str | None, name: str) -> int:
    """The first admin of a production install (password from LMS_ADMIN_PASSWORD or a prompt)."""
    import getpass
    import os

    from lms_app.core.db import session_scope
    from lms_app.accounts.services.accounts import register
    from lms_app.core.errors import ServiceError

    password = os.environ.get("LMS_ADMIN_PASSWORD") or getpass.getpass("Password for the new admin: ")
    try:
        with session_scope() as session:
            user = register(session, get_settings(), name, email, password, role="admin")
            print(f"Created admin {user.email}.")
    except ServiceError as exc:
        print(f"Not created: {exc.message}", file=sys.stderr)
        return 1
    return 0


def backup(to: str | None) -> int:
    """One archive of the database and every stored file (lms_app/backups/services.py)."""
    from lms_app.backups import services
    from lms_app.core import plugins

    settings = get_settings()
    folder = Path(to) if to else (plugins.setting("LMS_BACKUP_DIR") or settings.data_dir / "backups")
    try:
        archive = services.create_backup(settings, folder)
    except services.BackupError as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    manifest = services.read_manifest(archive)
    print(f"Backup written: {archive} ({manifest.file_count} files, {manifest.total_bytes / 1e6:.1f} MB, "
          f"schema {', '.join(manifest.revisions)})")
    return 0


def restore(source: str | None) -> int:
    """Restore an archive into this empty instance; refuses corrupt or mismatched archives."""
    from lms_app.backups import services

    if not source:
        print("Name the archive: restore --from data/backups/lms-backup-....tar", file=sys.stderr)
        return 2
    try:
        manifest = services.restore_backup(get_settings(), Path(source))
    except services.BackupError as exc:
        print(f"Restore refused: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {source}: {manifest.file_count} files, database from {manifest.created_at}")
def storage_migrate() -> int:
    """Copy the local media folder's files into the configured object storage (idempotent,
    each copy verified by SHA-256; see core/storage.py)."""
    from lms_app.core import storage

    settings = get_settings()
    try:
        report = storage.migrate_local_files(settings)
    except ValueError as exc:
        print(f"Nothing to migrate: {exc}", file=sys.stderr)
        return 2
    print(f"Storage migrated to s3://{settings.s3_bucket}/{settings.s3_prefix}: {report.copied} copied "
          f"({report.bytes / 1e6:.1f} MB), {report.skipped} already there"
          + (f", {len(report.failed)} FAILED checksum: {', '.join(report.failed[:5])}" if report.failed else ""))
    return 1 if report.failed else 0


def mfa_setup(email: str | None) -> int:
    """Two-factor sign-in for an account from the terminal (the first production admin, before the
    app may start): shows the key and a QR code, asks for a code, prints the recovery codes."""
    import segno

    from lms_app.accounts.mfa import service as mfa
    from lms_app.core.db import session_scope
    from lms_app.core.errors import ServiceError
    from lms_app.core.sessions import Actor
    from lms_app.core.users import User
    from sqlmodel import select

    address = (email or "").strip().lower()
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == address)).first()
        if user is None:
            print(f"No account with the e-mail {address!r}.", file=sys.stderr)
            return 1
        actor = Actor(user_id=user.id, role=user.role, session_id=0)
        try:
            found = mfa.begin_enrolment(session, get_settings(), actor)
        except ServiceError as exc:
            print(exc.message, file=sys.stderr)
            return 1
    segno.make(found["uri"], error="m").terminal(compact=True)
    print(f"Key (if you cannot scan): {found['secret']}")
    code = input("Code from the app: ")
    try:
        with session_scope() as session:
            codes = mfa.confirm_enrolment(session, get_settings(), actor, code)
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print("Two-factor sign-in is on. Recovery codes (each works once; keep them safe):")
    print("\n".join(codes))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms_app.manage")
    parser.add_argument("command", choices=["migrate", "seed", "prepare", "check", "create-admin", "plugins", "jobs",
                                                     "hooks-doc", "makemigrations", "worker", "backup", "restore",
                                                     "mfa-setup", "storage-migrate"])
    parser.add_argument("-m", "--message", help="makemigrations: what changed")
    parser.add_argument("--branch", help="makemigrations: an installed plugin's migration branch")
    parser.add_argument("action", nargs="?", choices=["run", "drain"],
                        help="jobs run NAME: one round of a periodic job; jobs drain: run what is queued, here")
    # Its own dest: sharing "name" with --name made create-admin's default name None.
    parser.add_argument("job_name", nargs="?", metavar="name", help="jobs run: the job's name")
    parser.add_argument("--email", help="create-admin: the admin's email")
    parser.add_argument("--name", default="Administrator", help="create-admin: the admin's name")
    parser.add_argument("--to", help="backup: folder for the archive (default LMS_BACKUP_DIR or data/backups)")
    parser.add_argument("--from", dest="source", help="restore: the archive to restore")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.is_production and (problems := settings.production_problems()):
        print("Refusing to run in production mode:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    if args.command == "plugins":
        return list_plugins()
    if args.command == "makemigrations":
        return make_migration(args.message, args.branch)
    if args.command == "hooks-doc":
        from lms_app.core import hook_reference

        changed = hook_reference.rewrite(PROJECT_ROOT / "docs" / "extending.md")
        print("docs/extending.md: hook reference " + ("rewritten" if changed else "already up to date"))
        return 0
    if args.command == "create-admin":
        return create_admin(args.email, args.name)
    if args.command == "mfa-setup":
        return mfa_setup(args.email)
    if args.command == "check":
        from lms_app.core import plugins

        if problems := plugins.config_problems(settings):
            print("Configuration error:\n- " + "\n- ".join(problems), file=sys.stderr)
            return 2
        print(f"Configuration OK ({settings.environment}, {settings.database_url.split('://')[0]}).")
        return 0
    if args.command == "jobs":
        return jobs(args.action, args.job_name)
    if args.command == "backup":
        return backup(args.to)
    if args.command == "restore":
        return restore(args.source)
    if args.command == "storage-migrate":
        return storage_migrate()
    if args.command == "worker":
        from lms_app.jobs.worker import run_worker

        return run_worker()
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
