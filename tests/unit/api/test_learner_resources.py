"""The learner's resources through the API answer what the pages' services answer: video position
and course progress, reviews, assignments (text and files), checkout with the configured gateway,
orders and receipts, certificate PDF and signed credential."""

from __future__ import annotations

from sqlmodel import select

from lms_app.assignments.models import Submission
from lms_app.certificates.models import Certificate
from lms_app.commerce.models import Order
from lms_app.core import plugins
from lms_app.core.courses import Enrollment
from tests.unit.api.conftest import bearer
from tests.unit.assignments.assignment_support import assignment_course
from tests.unit.commerce.commerce_support import make_coupon
from tests.unit.learning.learning_support import add_lessons

# Larger than the API's 64 KB JSON limit: the upload endpoint has its own (the file rule's 20 MB).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"%" * 100_000 + b"\ntrailer<<>>\n%%EOF\n"


def test_video_position_and_course_progress(api, make_course, make_user, enroll, login):
    course = make_course()
    text, video = add_lessons(course, ("text", "video"), durations={1: 100})
    learner = make_user()
    enroll(learner, course)
    auth = bearer(login(learner)["access_token"])
    assert api.get(f"/api/v1/lessons/{video.id}/position", headers=auth).json()["position"] == 0
    saved = api.put(f"/api/v1/lessons/{video.id}/position", headers=auth, json={"position": 40})
    assert saved.status_code == 200 and saved.json()["position"] == 40 and not saved.json()["completed"]
    assert api.get(f"/api/v1/lessons/{video.id}/position", headers=auth).json()["position"] == 40
    # the player's rule: a position past the video's length is capped; 90 % watched completes it
    done = api.put(f"/api/v1/lessons/{video.id}/position", headers=auth, json={"position": 5000}).json()
    assert done["position"] == 100 and done["completed"] and done["done"] == 1 and done["total"] == 2
    assert api.put(f"/api/v1/lessons/{text.id}/position", headers=auth, json={"position": 3}).status_code == 422
    state = api.get(f"/api/v1/me/courses/{course.slug}/progress", headers=auth).json()
    assert state["percent"] == 50 and [(x["lesson_id"], x["completed"]) for x in state["lessons"]] == [
        (text.id, False), (video.id, True)]
    stranger = bearer(login(make_user())["access_token"])
    assert api.get(f"/api/v1/me/courses/{course.slug}/progress", headers=stranger).status_code == 403
    assert api.put(f"/api/v1/lessons/{video.id}/position", headers=stranger, json={"position": 1}).status_code == 403


def test_reviews_public_list_and_enrolled_only_writing(api, make_course, make_user, enroll, login):
    course = make_course()
    learner, outsider = make_user(name="Ada Reviewer"), make_user()
    enroll(learner, course)
    auth = bearer(login(learner)["access_token"])
    assert api.get(f"/api/v1/courses/{course.slug}/reviews").json() == {"course_id": course.id, "reviews": []}
    r = api.put(f"/api/v1/courses/{course.slug}/review", headers=auth, json={"rating": 4, "comment": "Good"})
    assert r.status_code == 200 and r.json()["mine"] and r.json()["author"] == "Ada Reviewer"
    api.put(f"/api/v1/courses/{course.slug}/review", headers=auth, json={"rating": 5, "comment": "Great"})
    listed = api.get(f"/api/v1/courses/{course.slug}/reviews").json()["reviews"]
    assert [(x["rating"], x["comment"], x["mine"]) for x in listed] == [(5, "Great", False)]
    refused = api.put(f"/api/v1/courses/{course.slug}/review", headers=bearer(login(outsider)["access_token"]),
                      json={"rating": 1})
    assert refused.status_code == 403
    assert api.put(f"/api/v1/courses/{course.slug}/review", headers=auth, json={"rating": 9}).status_code == 422
    assert api.delete(f"/api/v1/courses/{course.slug}/review", headers=auth).status_code == 204
    assert api.delete(f"/api/v1/courses/{course.slug}/review", headers=auth).status_code == 404
    assert api.get("/api/v1/courses/no-such-course/reviews").status_code == 404


def test_assignment_text_files_and_feedback(api, make_course, make_user, enroll, login, db):
    course, lesson, _ = assignment_course(make_course, mode="teacher")
    learner = make_user()
    enroll(learner, course)
    auth = bearer(login(learner)["access_token"])
    panel = api.get(f"/api/v1/assignments/{lesson.id}", headers=auth).json()
    assert panel["role"] == "learner" and not panel["submission"]["exists"] and len(panel["criteria"]) == 2
    r = api.put(f"/api/v1/assignments/{lesson.id}/submission", headers=auth, json={"text": "My essay"})
    assert r.status_code == 200 and r.json()["submission"]["text"] == "My essay"
    up = api.post(f"/api/v1/assignments/{lesson.id}/files", headers=auth,
                  files={"file": ("notes.pdf", PDF_BYTES, "application/pdf")})
    assert up.status_code == 200, up.text
    files = up.json()["files"]
    assert len(files) == 1 and files[0]["url"] == f"/api/v1/submission-files/{files[0]['id']}"
    got = api.get(files[0]["url"], headers=auth)
    assert got.status_code == 200 and got.content == PDF_BYTES and got.headers["content-type"] == "application/pdf"
    other = bearer(login(make_user())["access_token"])
    assert api.get(files[0]["url"], headers=other).status_code == 404
    fake = api.post(f"/api/v1/assignments/{lesson.id}/files", headers=auth,
                    files={"file": ("x.pdf", b"MZ not a pdf", "application/pdf")})
    assert fake.status_code == 422 and fake.json()["field"] == "file"
    # JSON endpoints keep the API's small body limit; the upload endpoint alone accepts multipart
    big = api.put(f"/api/v1/assignments/{lesson.id}/submission", headers=auth, json={"text": "x" * 70_000})
    assert big.status_code == 413
    removed = api.delete(f"/api/v1/assignments/{lesson.id}/files/{files[0]['id']}", headers=auth)
    assert removed.status_code == 200 and removed.json()["files"] == []
    assert len(db.exec(select(Submission).where(Submission.user_id == learner.id)).all()) == 1


def test_checkout_with_the_test_gateway_coupon_and_receipt(api, make_course, make_user, login, db):
    course = make_course(price_minor=2000)
    learner = make_user()
    auth = bearer(login(learner)["access_token"])
    quote = api.get(f"/api/v1/checkout/{course.slug}", headers=auth).json()
    assert quote["is_free_now"] is False and not quote["enrolled"]
    declined = api.post(f"/api/v1/checkout/{course.slug}", headers=auth,
                        json={"card": {"card_number": "4000 0000 0000 0002", "expiry": "12/39", "cvc": "123"}})
    assert declined.status_code == 402 and declined.json()["code"] == "payment_declined"
    assert db.exec(select(Order).where(Order.user_id == learner.id)).all() == []
    paid = api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={
        "card": {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}})
    assert paid.status_code == 200, paid.text
    order = paid.json()["order"]
    assert order["status"] == "paid" and paid.json()["redirect_url"] is None and "4242" in order["payment_label"]
    assert "4242 4242" not in paid.text
    again = api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={})
    assert again.status_code == 422 and "already enrolled" in again.json()["error"]
    assert [o["id"] for o in api.get("/api/v1/me/orders", headers=auth).json()] == [order["id"]]
    receipt = api.get(f"/api/v1/me/orders/{order['id']}/receipt", headers=auth)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    other = bearer(login(make_user())["access_token"])
    assert api.get(f"/api/v1/me/orders/{order['id']}", headers=other).status_code == 404
    assert api.get(f"/api/v1/me/orders/{order['id']}/receipt", headers=other).status_code == 404
    # a 100 % coupon: nothing to charge, no card needed
    free_now = make_course(price_minor=1000)
    make_coupon(code="ALLFREE", amount=100, course_id=free_now.id)
    r = api.post(f"/api/v1/checkout/{free_now.slug}", headers=auth, json={"coupon_code": "ALLFREE"})
    assert r.status_code == 200 and r.json()["order"]["amount_label"].startswith(("0", "$0", "€0", "£0")) or \
        r.json()["order"]["payment_label"] == "Coupon (no charge)"
    assert db.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).all()


def test_checkout_with_a_redirect_gateway_returns_its_url(api, make_course, make_user, login, use_env, db):
    use_env(LMS_PAYMENT_GATEWAY="webhook", LMS_WEBHOOK_SECRET="s" * 32)
    plugins._plugin_settings.cache_clear()
    try:
        course = make_course(price_minor=2000)
        learner = make_user()
        auth = bearer(login(learner)["access_token"])
        r = api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["order"]["status"] == "pending" and body["redirect_url"]
        assert api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={}).json()["order"]["id"] == \
            body["order"]["id"]  # a second call resumes the same pending order
        assert not db.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).all()
    finally:
        plugins._plugin_settings.cache_clear()


def test_certificate_pdf_and_signed_credential(api, make_course, make_user, enroll, login, db):
    course = make_course()
    lessons = add_lessons(course, ("text",))
    learner = make_user()
    enroll(learner, course)
    auth = bearer(login(learner)["access_token"])
    api.post(f"/api/v1/lessons/{lessons[0].id}/complete", headers=auth)
    mine = api.get("/api/v1/me/certificates", headers=auth).json()
    number = mine[0]["number"]
    pdf = api.get(f"/api/v1/me/certificates/{number}/pdf", headers=auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = bearer(login(make_user())["access_token"])
    assert api.get(f"/api/v1/me/certificates/{number}/pdf", headers=other).status_code == 404
    cred = api.get(f"/api/v1/certificates/{number}/credential")
    assert cred.status_code == 200 and cred.headers["content-type"].startswith("application/ld+json")
    doc = cred.json()
    assert "OpenBadgeCredential" in doc["type"] and doc["proof"]["proofValue"]
    from lms_app.certificates.services import issuing
    from lms_app.core.settings import get_settings

    assert issuing.verify_credential(db, get_settings(), doc)
    assert api.get("/api/v1/certificates/LL-0000-0000/credential").status_code == 404
    cert = db.exec(select(Certificate).where(Certificate.number == number)).one()
    from lms_app.core.types import utcnow

    cert.revoked_at = utcnow()
    db.add(cert)
    db.commit()
    gone = api.get(f"/api/v1/certificates/{number}/credential")
    assert gone.status_code == 410 and gone.json()["status"] == "revoked"
