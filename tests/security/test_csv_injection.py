"""CSV/formula injection: every export goes through csv_export.to_csv, which neutralises cells
a spreadsheet would evaluate (leading =, +, -, @, tab, carriage return)."""

from __future__ import annotations

import csv
import io

import pytest

import lms_app.core.db
from lms_app.analytics.services import platform as analytics
from lms_app.core import audit
from lms_app.core import csv_export, events

PAYLOADS = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1", "=1+1\n=2+2", "+cmd|' /C calc'!A0", "-1+1", "+122%+cmd|'/C calc'!A0",
            "-5\n=1+1", "+12%A1", "-", "+"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_dangerous_cells_are_neutralised(payload):
    cell = csv_export.safe_cell(payload)
    assert cell.startswith("'") and cell[1:] == payload
    [header, row] = parse(csv_export.to_csv(["Title"], [[payload]]))
    assert row == ["'" + payload]


@pytest.mark.parametrize("value", ["Python basics", "a=b", "Title with - dash", "", "100%", "café"])
def test_ordinary_text_is_left_alone(value):
    assert csv_export.safe_cell(value) == value


@pytest.mark.parametrize("value", ["+122%", "-3.5%", "+12", "-0.25", "-5", "+1,200", "-12,345.50", "+4 %"])
def test_plain_signed_numbers_and_percentages_are_left_alone(value):
    """A change column reads +122%, not '+122% (the guard is for formulas, not values)."""
    assert csv_export.safe_cell(value) == value
    [_, row] = parse(csv_export.to_csv(["Change"], [[value]]))
    assert row == [value]


def test_numbers_stay_numbers_and_headers_are_neutralised_too():
    [header, row] = parse(csv_export.to_csv(["=danger", "n"], [[-5, 3.5]]))
    assert header == ["'=danger", "n"] and row == ["-5", "3.5"]
    assert csv_export.safe_cell(None) == "" and csv_export.safe_cell(True) == "yes"


def test_analytics_export_of_a_malicious_course_title_is_safe(make_user, make_course, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    course = make_course(title="=cmd|' /C calc'!A0")
    with lms_app.core.db.session_scope() as s:
        events.record(s, "enrolled", user_id=admin.user_id, course_id=course.id)
    from lms_app.analytics.pages.admin import _export

    with lms_app.core.db.session_scope() as s:
        _, text = _export(s, admin, "top_enrollments", None, None)
    rows = parse(text)
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert not any(cell.startswith(tuple("=+-@\t\r")) for row in rows for cell in row)


def test_audit_export_of_a_malicious_name_is_safe(make_user, sign_in):
    from lms_app.admin.services import users as admin_users

    _, admin = sign_in(make_user(role="admin", name="@SUM(1+1)*cmd|' /C calc'!A0"))
    run_target = make_user(name="-2+3+cmd|' /C calc'!A0")
    with lms_app.core.db.session_scope() as s:
        admin_users.set_active(s, admin, run_target.id, False)
    with lms_app.core.db.session_scope() as s:
        text = csv_export.to_csv(audit.EXPORT_HEADERS, audit.export_rows(s, admin))
    rows = parse(text)
    assert len(rows) == 2
    assert not any(cell.startswith(tuple("=+-@\t\r")) for row in rows for cell in row)
    assert analytics.EXPORTS  # every analytics table is exported through the same function (see admin_analytics)
