"""Sign-in and registration throttling, counted atomically in the database.

Why this shape: counting failures with a COUNT and then inserting one (read, then write) let 50
parallel wrong passwords get 15 bcrypt checks against a limit of 10; a per-account lock let any
stranger lock anyone out; nothing limited one address spraying a password over many accounts.

- **Reserve before checking.** Each attempt first takes a slot: one ``INSERT ... ON CONFLICT
  DO UPDATE ... RETURNING`` per counter increments it and returns the new value in a single
  statement (PostgreSQL, SQLite >= 3.35), so parallel attempts each get a distinct number and at
  most ``limit`` of them reach bcrypt. The caller commits the reservation before bcrypt runs,
  so no row lock is held during the slow part. A success gives its slot back.
- **Counters** (one row per key, a fixed window that restarts after ``window`` minutes):
  ``login-ip-acct:<ip>|<email>`` (``LMS_LOGIN_MAX_FAILURES``): guessing one account from one
  address locks that address out of that account, not the owner everywhere;
  ``login-ip:<ip>`` (``LMS_LOGIN_IP_MAX_FAILURES``): password spraying from one address;
  ``login-acct:<email>`` (``LMS_LOGIN_ACCOUNT_MAX_FAILURES``, well above the per-address limit):
  guessing one account from many addresses; it ends with the window;
  ``register-ip:<ip>`` (``LMS_REGISTER_IP_MAX`` per window): account creation from one address.
- **Progressive delay.** From half the limit on, each failure blocks the key for 2, 4, 8 ...
  seconds (at most the window). Attempts refused while blocked or over the limit are not
  counted, so hammering a locked key cannot extend the lock for ever.
- **The owner always has a way in.** Strangers spread over many addresses can still fill the
  all-addresses counter window after window; the password-reset link then lets the owner in
  (it signs the browser in without a password check) and clears every counter naming the
  account (``clear_account``), so the owner's next ordinary sign-in works too. The refusal
  message points to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlmodel import Session

from lms_app.core.db import dialect_insert
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import ThrottleCounter

KEY_MAX = 300


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int


@dataclass(frozen=True)
class Refusal:
    until: datetime

    def minutes(self, now: datetime | None = None) -> int:
        return max(1, int((self.until - (now or utcnow())).total_seconds() // 60) + 1)


def _ip(ip: str | None) -> str:
    return (ip or "unknown")[:64]


def login_rules(settings: Settings, email: str, ip: str | None) -> list[Rule]:
    address = _ip(ip)
    return [Rule(f"login-ip-acct:{address}|{email}"[:KEY_MAX], settings.login_max_failures),
            Rule(f"login-ip:{address}", settings.login_ip_max_failures),
            Rule(f"login-acct:{email}"[:KEY_MAX], settings.login_account_max_failures)]


def register_rules(settings: Settings, ip: str | None) -> list[Rule]:
    return [Rule(f"register-ip:{_ip(ip)}", settings.register_ip_max)]


def _upsert(session: Session, rule: Rule, now: datetime, window: timedelta):
    """Take a slot on one counter in one statement; returns (count, window start, blocked until).

    A count above ``rule.limit`` means refused. Refused attempts (blocked, or already over the
    limit) leave the count where it is."""
    table = ThrottleCounter.__table__
    stmt = dialect_insert(session)(table).values(key=rule.key, count=1, window_started_at=now, blocked_until=None)
    expired = table.c.window_started_at <= now - window
    blocked = (table.c.blocked_until.is_not(None)) & (table.c.blocked_until > now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((expired, 1), (blocked | (table.c.count > rule.limit), table.c.count),
                          else_=table.c.count + 1),
            "window_started_at": case((expired, now), else_=table.c.window_started_at),
            "blocked_until": case((expired, None), else_=table.c.blocked_until),
        },
    ).returning(table.c.count, table.c.window_started_at, table.c.blocked_until)
    return session.execute(stmt).one()


def reserve(session: Session, rules: list[Rule], window_minutes: int, now: datetime | None = None) -> Refusal | None:
    """Count this attempt on every counter, in order; a Refusal (with the time to come back)
    when one is over its limit or blocked. Then the counters already taken are given back and
    the later ones are not touched: an address locked out of one account cannot go on filling
    that account's all-addresses counter. The caller commits before doing the slow check."""
    now = now or utcnow()
    window = timedelta(minutes=window_minutes)
    for n, rule in enumerate(rules):
        count, started, blocked_until = _upsert(session, rule, now, window)
        if blocked_until is not None and blocked_until > now:
            until = blocked_until
        elif count > rule.limit:
            until = started + window
        else:
            continue
        _give_back(session, rules[:n])
        return Refusal(until)
    return None


def _give_back(session: Session, rules: list[Rule]) -> None:
    table = ThrottleCounter.__table__
    for rule in rules:
        session.execute(update(table).where(table.c.key == rule.key, table.c.count > 0)
                        .values(count=table.c.count - 1))


def record_failure(session: Session, rules: list[Rule], window_minutes: int, now: datetime | None = None) -> None:
    """The attempt failed: its slot stays taken; past half the limit the key cools down for a
    doubling delay (2 s, 4 s, 8 s ... at most the window)."""
    now = now or utcnow()
    table = ThrottleCounter.__table__
    for rule in rules:
        soft = max(1, rule.limit // 2)
        count = session.execute(table.select().with_only_columns(table.c.count).where(table.c.key == rule.key)).scalar()
        if count is None or count < soft:
            continue
        delay = min(2 ** min(count - soft + 1, 20), window_minutes * 60)
        session.execute(update(table).where(table.c.key == rule.key).values(blocked_until=now + timedelta(seconds=delay)))


def record_success(session: Session, rules: list[Rule]) -> None:
    """A right password: the address-and-account counter is cleared, the others get their slot
    back (a success is not a failure)."""
    table = ThrottleCounter.__table__
    first, *others = rules
    session.execute(delete(table).where(table.c.key == first.key))
    _give_back(session, others)


def purge(session: Session, window_minutes: int, now: datetime | None = None) -> int:
    """Drop counters whose window has passed (a periodic job keeps the table small)."""
    now = now or utcnow()
    table = ThrottleCounter.__table__
    cutoff = now - timedelta(minutes=window_minutes)
    result = session.execute(delete(table).where(table.c.window_started_at <= cutoff,
                                                 (table.c.blocked_until.is_(None)) | (table.c.blocked_until <= now)))
    return result.rowcount or 0


def clear_account(session: Session, email: str) -> int:
    """Drop the counters naming this account (all-addresses and each address-and-account one):
    the owner proved control of the mailbox (reset link) or the account is gone."""
    table = ThrottleCounter.__table__
    result = session.execute(delete(table).where((table.c.key == f"login-acct:{email}"[:KEY_MAX])
                                                 | (table.c.key.startswith("login-ip-acct:", autoescape=True)
                                                    & table.c.key.endswith(f"|{email}", autoescape=True))))
    return result.rowcount or 0
