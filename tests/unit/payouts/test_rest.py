"""The payout REST endpoints answer what the services decide (the authorization matrix checks
every caller's status; this checks the bodies)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry
from lms_app.core.sessions import Actor
from lms_app.payouts.services import current_month, month_bounds
from tests.unit.api.conftest import api, bearer, login  # noqa: F401  (shared fixtures)
from tests.unit.commerce.commerce_support import buy

V1 = "/api/v1"


def test_teacher_reads_statements_admin_marks_paid_once(api, login, make_user, make_course):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    course = make_course(teacher=teacher, price_minor=2500, currency="EUR", title="REST course")
    buyer = make_user()
    order = buy(Actor(buyer.id, "learner", 0), course.slug)
    when = month_bounds(current_month())[0] - timedelta(hours=1)
    month = when.strftime("%Y-%m")
    with lms_app.core.db.session_scope() as s:
        s.execute(update(LedgerEntry).where(LedgerEntry.order_id == order.id).values(created_at=when))
    mine = bearer(login(teacher)["access_token"])
    r = api.get(f"{V1}/teach/payouts", headers=mine)
    assert r.status_code == 200, r.text
    [row] = r.json()["rows"]
    assert (row["month"], row["currency"], row["gross"], row["due"], row["status"]) == \
           (month, "EUR", "€25.00", "€20.00", "due")
    r = api.get(f"{V1}/teach/payouts/{month}/eur", headers=mine)
    assert r.status_code == 200 and [ln["item"] for ln in r.json()["lines"]] == ["REST course"]
    assert "month it happened" in r.json()["note"]
    assert api.get(f"{V1}/teach/payouts/2026-13/EUR", headers=mine).status_code == 422

    url = f"{V1}/admin/payouts/{teacher.id}/{month}/EUR/mark-paid"
    assert api.post(url, headers=mine, json={"reference": "T"}).status_code == 403
    boss = bearer(login(admin)["access_token"])
    assert api.post(url, headers=boss, json={}).status_code == 422
    r = api.post(url, headers=boss, json={"reference": "SEPA-42"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["reference"]) == ("paid", "SEPA-42"), r.text
    again = api.post(url, headers=boss, json={"reference": "SEPA-43"})
    assert again.status_code == 422 and again.json()["error"] == "This statement is already marked paid."
    r = api.get(f"{V1}/admin/payouts?status=paid", headers=boss)
    assert [(x["teacher_id"], x["reference"]) for x in r.json()["rows"]] == [(teacher.id, "SEPA-42")]
    assert api.get(f"{V1}/admin/payouts?month=x2026-11", headers=boss).status_code == 422
    assert api.get(f"{V1}/teach/payouts", headers=mine).json()["rows"][0]["status"] == "paid"
