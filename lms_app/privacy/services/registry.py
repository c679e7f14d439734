"""What every feature declared through ``lms_personal_data``, and the tables nobody declared."""

from __future__ import annotations

from sqlmodel import SQLModel

from lms_app.core.plugin_api import PersonalData

USERS_TABLE = "users"
ERASE_WORDS = ("delete", "detach", "keep")


def declarations() -> list[PersonalData]:
    from lms_app.core import plugins

    found = list(plugins.collected("lms_personal_data"))
    for item in found:
        if not (callable(item.erase) or item.erase in ERASE_WORDS):
            raise ValueError(f"{item.table}: erase must be one of {ERASE_WORDS} or a function, not {item.erase!r}")
        if item.table not in SQLModel.metadata.tables:
            raise ValueError(f"lms_personal_data names an unknown table {item.table!r}")
    return found


def user_columns() -> set[tuple[str, str]]:
    """Every (table, column) with a foreign key to ``users.id`` (the users table itself aside)."""
    out = set()
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            if any(fk.column.table.name == USERS_TABLE for fk in column.foreign_keys):
                out.add((table.name, column.name))
    return out


def uncovered() -> list[tuple[str, str]]:
    """User-referencing columns no feature declared (a test keeps this empty)."""
    covered = {(d.table, c) for d in declarations() for c in d.user_columns}
    return sorted(user_columns() - covered)
