"""Download my data and delete my account (plain Python; no Reflex).

What is kept when an account is deleted, and why (also in ``docs/privacy.md`` and on the page):

- **Erased**: profile (name, bio, avatar, time zone), e-mail address, password, sessions, e-mail
  links, mail copies, enrolments without a certificate, progress, quiz attempts, submissions
  and their files, peer reviews, course reviews, teacher application, throttling counters,
  earlier exports. Learning events stay for course statistics with the person removed
  (``user_id`` set to NULL).
- **Kept**: orders, coupon redemptions and ledger entries (accounting records the law makes us
  keep for years), and issued certificates with the name as issued, because a certificate is
  the issuer's statement to whoever the holder showed it to: it still verifies, and the verify
  page says the holder has closed their account. The enrolment behind a certificate stays
  with it. These rows point at the anonymised account row ("Deleted account", an address at
  ``.invalid``), which nobody can sign in to.
- **The e-mail address can be used again** to register a new, empty account: keeping it (even
  hashed) to block re-registration would keep personal data we have no reason to hold, and the
  new account has no link to the old rows.

Each feature declares its own tables and rule through ``lms_personal_data``; this module
applies them generically.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, SQLModel, select

from lms_app.core import audit, sessions, storage
from lms_app.core.errors import ServiceError
from lms_app.core.events import on_commit
from lms_app.core.permissions import ADMIN_AREA, require_role
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.privacy.models import DataExport
from lms_app.privacy.services import registry

log = logging.getLogger(__name__)

EXPORT_DAYS = 7
EXPORT_COOLDOWN = timedelta(minutes=5)
INLINE_MAX_BYTES = 5 * 1024 * 1024  # bigger exports are built by the job worker
INLINE_MAX_ROWS = 5000
ERASED_NAME = "Deleted account"
USER_SECRET = ("password_hash",)
KEPT_SUMMARY = ("orders, payments and ledger entries (accounting law)",
                "issued certificates, with the name as issued (they still verify)")


def erased_email(user_id: int) -> str:
    return f"deleted-{user_id}@erased.invalid"


EXPORTS = "exports"  # storage scope (core/storage.py): locally <data>/exports, not backed up


def exports_dir(settings: Settings) -> Path:
    """Where exports live with local storage (the layout of ``LMS_STORAGE=local``)."""
    return settings.data_dir / EXPORTS


def exports_storage(settings: Settings) -> storage.Storage:
    return storage.get_storage(settings, EXPORTS)


def _file_size(settings: Settings, ref) -> int | None:
    """A ``files`` entry's size: a Path on this disk, or a storage key (plugin_api.PersonalData)."""
    if isinstance(ref, Path):
        return ref.stat().st_size if ref.is_file() else None
    return storage.get_storage(settings).size(str(ref))


def _copy_into(zf: zipfile.ZipFile, settings: Settings, ref, arcname: str) -> None:
    if isinstance(ref, Path):
        if ref.is_file():
            zf.write(ref, arcname)
        return
    files = storage.get_storage(settings)
    if files.size(str(ref)) is None:
        return
    with files.open(str(ref)) as src, zf.open(arcname, "w", force_zip64=True) as dst:
        while chunk := src.read(storage.CHUNK):
            dst.write(chunk)


# --- export ----------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return value


def _rows(session: Session, table_name: str, columns: tuple[str, ...], user_id: int, secret: tuple[str, ...]) -> list[dict]:
    table = SQLModel.metadata.tables[table_name]
    where = or_(*[table.c[c] == user_id for c in columns])
    order = [c for c in table.primary_key.columns]
    result = session.connection().execute(table.select().where(where).order_by(*order))
    return [{k: _plain(v) for k, v in row._mapping.items() if k not in secret} for row in result]


def _profile(session: Session, user: User) -> dict:
    return {k: _plain(v) for k, v in user.model_dump().items() if k not in USER_SECRET}


def collect(session: Session, user_id: int) -> tuple[dict[str, list[dict]], list[tuple[str, Path]]]:
    """Every exported table's rows about the user, and the stored files to include."""
    tables: dict[str, dict] = {}
    files: list[tuple[str, Path]] = []
    for item in registry.declarations():
        if item.export:
            rows = tables.setdefault(item.table, {})
            for row in _rows(session, item.table, item.user_columns, user_id, item.secret):
                rows[json.dumps(row, sort_keys=True, default=str)] = row
        if item.files is not None:
            files.extend(item.files(session, user_id))
    return {name: list(rows.values()) for name, rows in sorted(tables.items())}, files


def _avatar(settings: Settings, user: User) -> list[tuple[str, Path]]:
    if not user.avatar_file:
        return []
    from lms_app.accounts.services.profiles import AREA

    key = storage.key(AREA, user.avatar_file)
    return [(f"profile/{user.avatar_file}", key)] if key is not None else []


def build_zip(session: Session, settings: Settings, user_id: int) -> bytes:
    """The zip: ``README.txt``, ``profile.json``, one ``data/<table>.json`` per table, ``files/``."""
    user = session.get(User, user_id)
    tables, files = collect(session, user_id)
    files = _avatar(settings, user) + files
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", _readme(settings, user, tables, files))
        zf.writestr("profile.json", json.dumps(_profile(session, user), indent=2, ensure_ascii=False))
        for name, rows in tables.items():
            zf.writestr(f"data/{name}.json", json.dumps(rows, indent=2, ensure_ascii=False))
        for arcname, ref in files:
            _copy_into(zf, settings, ref, f"files/{arcname}")
    return buffer.getvalue()


def _readme(settings: Settings, user: User, tables: dict, files: list) -> str:
    lines = [f"Your personal data at {settings.site_name}", f"Account: {user.email} (id {user.id})",
             f"Made: {utcnow().isoformat()}", "",
             "profile.json      your account (no password)",
             "data/<table>.json the rows about you, one file per table:"]
    lines += [f"  {name}: {len(rows)} rows" for name, rows in tables.items()]
    lines += ["files/            files you uploaded" + (f" ({len(files)})" if files else " (none)")]
    return "\n".join(lines) + "\n"


def _estimate(session: Session, user_id: int) -> tuple[int, int]:
    """Rows and file bytes, to decide between building now and handing it to the worker."""
    rows, size = 0, 0
    for item in registry.declarations():
        if item.export:
            table = SQLModel.metadata.tables[item.table]
            rows += session.connection().execute(
                select(func.count()).select_from(table).where(or_(*[table.c[c] == user_id for c in item.user_columns]))
            ).scalar() or 0
        if item.files is not None:
            from lms_app.core.settings import get_settings

            size += sum(_file_size(get_settings(), ref) or 0 for _, ref in item.files(session, user_id))
    return rows, size


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def _view(row: DataExport) -> dict:
    ready = row.status == "ready" and row.expires_at > utcnow()
    status = "expired" if row.status == "ready" and not ready else row.status
    return {"id": str(row.id), "status": status, "created": row.created_at.strftime("%d %b %Y, %H:%M UTC"),
            "expires": row.expires_at.strftime("%Y-%m-%d %H:%M UTC"), "size": _human(row.size) if row.size else "",
            "href": download_href(row.id) if ready else ""}


def download_href(export_id: int) -> str:
    return f"/api/privacy/exports/{export_id}.zip"


def _target(session: Session, actor, user_id: object) -> User:
    """The actor themselves, or (admins) any user."""
    if actor is None:
        raise ServiceError("Sign in first.")
    if user_id is None or user_id == actor.user_id:
        user = session.get(User, actor.user_id)
    else:
        require_role(actor, ADMIN_AREA)
        try:
            user = session.get(User, int(user_id))
        except (TypeError, ValueError):
            user = None
    if user is None or user.erased_at is not None:
        raise ServiceError("That account does not exist.")
    return user


def request_export(session: Session, settings: Settings, actor, user_id: object = None) -> dict:
    """Start an export for the actor (or, for admins, any user): built now when small, else by the
    worker. At most one every few minutes per user."""
    user = _target(session, actor, user_id)
    now = utcnow()
    recent = session.exec(select(DataExport).where(DataExport.user_id == user.id,
                                                   DataExport.created_at > now - EXPORT_COOLDOWN)
                          .order_by(DataExport.id.desc())).first()
    if recent is not None and recent.status != "failed":
        return _view(recent)
    row = DataExport(user_id=user.id, requested_by_id=actor.user_id if actor.user_id != user.id else None,
                     expires_at=now + timedelta(days=EXPORT_DAYS))
    session.add(row)
    session.flush()
    if actor.user_id != user.id:
        audit.record(session, actor, "user.export", "user", user.id, f"Exported the personal data of {user.email}")
    rows, size = _estimate(session, user.id)
    if rows <= INLINE_MAX_ROWS and size <= INLINE_MAX_BYTES:
        _write(session, settings, row)
    else:
        from lms_app.jobs.queue import enqueue

        enqueue(session, build_export, export_id=row.id)
    return _view(row)


def _write(session: Session, settings: Settings, row: DataExport) -> None:
    data = build_zip(session, settings, row.user_id)
    key = secrets.token_hex(16) + ".zip"
    exports_storage(settings).save_bytes(key, data, content_type="application/zip")
    row.file_key, row.size, row.status, row.ready_at = key, len(data), "ready", utcnow()
    session.add(row)


def build_export(session: Session, export_id: int) -> int:
    """The job: build one pending export (idempotent: a ready one is left alone)."""
    from lms_app.core.settings import get_settings

    row = session.get(DataExport, export_id)
    if row is None or row.status != "pending":
        return 0
    _write(session, get_settings(), row)
    return 1


def list_exports(session: Session, actor, user_id: object = None) -> list[dict]:
    user = _target(session, actor, user_id)
    rows = session.exec(select(DataExport).where(DataExport.user_id == user.id)
                        .order_by(DataExport.id.desc()).limit(5)).all()
    return [_view(r) for r in rows]


def export_file(session: Session, settings: Settings, actor, export_id: object) -> tuple[str, str] | None:
    """(download name, storage key in the exports scope) for the download route: only its
    owner (or an admin), only while it lives."""
    if actor is None:
        return None
    try:
        row = session.get(DataExport, int(export_id))
    except (TypeError, ValueError):
        return None
    if row is None or row.status != "ready" or row.expires_at <= utcnow():
        return None
    if row.user_id != actor.user_id and actor.role != "admin":
        return None
    key = storage.key(EXPORTS, row.file_key)
    if key is None or exports_storage(settings).size(row.file_key) is None:
        return None
    return f"personal-data-{row.user_id}-{row.created_at:%Y%m%d}.zip", row.file_key


def purge_exports(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete expired exports and their files (a periodic job)."""
    now = now or utcnow()
    rows = session.exec(select(DataExport).where(DataExport.expires_at <= now)).all()
    keys = [r.file_key for r in rows if r.file_key]
    for row in rows:
        session.delete(row)
    on_commit(session, _unlink, keys, settings)
    return len(rows)


def _unlink(keys: list[str], settings: Settings | None = None) -> None:
    """Delete export files by their names in the exports scope."""
    from lms_app.core.settings import get_settings

    exports = exports_storage(settings or get_settings())
    for key in keys:
        if storage.key(EXPORTS, key) is None:
            continue
        try:
            exports.delete(key)
        except Exception:  # noqa: BLE001 - a file left behind must not undo the committed purge
            log.warning("could not delete export %s", key)


# --- erase -----------------------------------------------------------------------------------

def _erase_rows(session: Session, item, user_id: int) -> None:
    if callable(item.erase):
        item.erase(session, user_id)
        return
    table = SQLModel.metadata.tables[item.table]
    if item.erase == "delete":
        session.execute(delete(table).where(or_(*[table.c[c] == user_id for c in item.user_columns])))
    elif item.erase == "detach":
        for column in item.user_columns:
            session.execute(update(table).where(table.c[column] == user_id).values({column: None}))


def blockers(session: Session, user: User) -> list[str]:
    """Why this account cannot be deleted as it is (empty: it can)."""
    from lms_app.core.courses import Course

    out = []
    if user.role == "admin":
        out.append("Administrator accounts cannot be deleted: another admin must first change the role.")
    if session.exec(select(func.count(Course.id)).where(Course.teacher_id == user.id)).one():
        out.append("You teach courses: an administrator must hand them to another teacher first.")
    return out


def erase_account(session: Session, settings: Settings, actor, password: object = "", user_id: object = None) -> int:
    """Delete an account: each feature's rule, then the users row anonymised. The person confirms
    with their password; an admin deleting someone else does not need it (audited)."""
    from lms_app.accounts.services import passwords, throttle

    user = _target(session, actor, user_id)
    own = user.id == actor.user_id
    if own and not passwords.verify_password(password if isinstance(password, str) else "", user.password_hash):
        raise ServiceError("That password is not right. Your account was not deleted.")
    problems = blockers(session, user)
    if problems:
        raise ServiceError(" ".join(problems))
    old_email, avatar = user.email, _avatar(settings, user)
    sessions.revoke_user_sessions(session, user.id, reason="erased")
    for item in registry.declarations():
        _erase_rows(session, item, user.id)
    throttle.clear_account(session, old_email)
    user.email, user.name, user.bio, user.timezone = erased_email(user.id), ERASED_NAME, "", "UTC"
    user.password_hash, user.avatar_file, user.email_verified_at = "!", None, None
    user.is_active, user.erased_at, user.updated_at = False, utcnow(), utcnow()
    session.add(user)
    if not own:
        audit.record(session, actor, "user.erase", "user", user.id, f"Deleted the account of {old_email}")
    on_commit(session, _unlink, [p for _, p in avatar])
    session.flush()
    return user.id
