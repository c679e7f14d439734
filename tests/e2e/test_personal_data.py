"""Personal data in a browser: a learner earns a certificate, downloads their data and opens the
zip, deletes their account, cannot sign in any more, and the certificate still verifies with the
name as issued and a note that the holder closed the account."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_certificate_journey import _complete, short_course  # noqa: F401  (fixture)

NAME = "Ingrid Privacy-Tester"
PW = "correct horse battery"
SHOTS = Path(os.environ.get("LMS_SCREENSHOT_DIR", "test-artifacts/screenshots"))


def _shots(new_context, ui, email, password, path, stem):
    """The page at 390 px and 1280 px, light and dark (for looking at; not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (390, 1280):
            page = new_context(color_scheme=scheme, viewport={"width": width, "height": 900}).new_page()
            if email:
                ui.login(page, email, password)
            ui.goto(page, path)
            page.wait_for_timeout(400)
            page.screenshot(path=str(SHOTS / f"{stem}-{scheme}-{width}.png"), full_page=True)
            page.context.close()


def test_export_my_data_then_delete_my_account(ui, page: Page, new_context, short_course, unique_email):  # noqa: F811
    slug, lesson_ids = short_course
    ui.register(page, NAME, unique_email, PW)
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.goto(page, f"/courses/{slug}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    for lesson_id in lesson_ids:
        _complete(ui, page, slug, lesson_id)

    # Export my data and open the zip.
    ui.goto(page, "/account/privacy")
    expect(page.get_by_text("You have not asked for an export yet.")).to_be_visible()
    page.get_by_role("button", name="Prepare my data").click()
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    zf = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    names = set(zf.namelist())
    assert {"README.txt", "profile.json", "data/enrollments.json", "data/lesson_progress.json",
            "data/certificates.json"} <= names, names
    assert json.loads(zf.read("profile.json"))["email"] == unique_email
    assert "password_hash" not in zf.read("profile.json").decode()
    certificate = json.loads(zf.read("data/certificates.json"))
    assert len(certificate) == 1 and certificate[0]["learner_name"] == NAME
    number = certificate[0]["number"]
    assert len(json.loads(zf.read("data/lesson_progress.json"))) == len(lesson_ids)

    # Someone else cannot download it.
    href = link.get_attribute("href")
    stranger = new_context().new_page()
    assert stranger.request.get(ui.base_url + href).status == 404

    _shots(new_context, ui, unique_email, PW, "/account/privacy", "privacy")

    # Delete: the box and the password are required; then signed out, on the goodbye page.
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I understand my account and data will be deleted.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That password is not right. Your account was not deleted.")).to_be_visible()
    page.get_by_label("Your password").fill(PW)
    page.get_by_role("button", name="Delete my account").click()
    ui.path_is(page, "/account/deleted")
    ui.ready(page)
    expect(page.get_by_role("heading", name="Your account has been deleted")).to_be_visible()
    ui.signed_out(page)
    _shots(new_context, ui, None, None, "/account/deleted", "deleted")

    # I can no longer sign in.
    page.goto("/login")
    ui.sign_in(page, unique_email, PW)
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
    # The download link is dead too.
    assert page.request.get(ui.base_url + href).status == 404

    # The certificate still verifies, with the name as issued and what was decided.
    visitor = new_context().new_page()
    visitor.goto(f"/verify/{number}")
    expect(visitor.get_by_text("This certificate is valid.")).to_be_visible(timeout=30_000)
    expect(visitor.get_by_role("heading", name=NAME)).to_be_visible()
    expect(visitor.get_by_text(re.compile("The holder has since closed their account"))).to_be_visible()
    visitor.screenshot(path=str(SHOTS / "verify-holder-closed-light-1280.png"), full_page=True)


def test_admin_exports_and_deletes_a_users_account(ui, page: Page, new_context, unique_email, DEMO):
    ui.register(page, "Otto Onboarded", unique_email, PW)
    ui.path_is(page, "/dashboard")
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"])
    ui.goto(admin, "/admin/users")
    admin.get_by_label("Search name or email").fill(unique_email)
    admin.get_by_role("button", name="Search").click()
    admin.get_by_role("button", name="Details of Otto Onboarded").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_role("button", name="Export data").click()
    expect(dialog.get_by_role("link", name="Download zip")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SHOTS / "admin-user-personal-data-light-1280.png"))
    with admin.expect_download() as info:
        dialog.get_by_role("link", name="Download zip").click()
    zf = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert json.loads(zf.read("profile.json"))["email"] == unique_email
    dialog.get_by_role("button", name="Delete account").click()
    confirm = admin.get_by_role("alertdialog")
    expect(confirm.get_by_text(re.compile("Delete the account of Otto Onboarded"))).to_be_visible()
    confirm.get_by_role("button", name="Confirm").click()
    expect(admin.get_by_text("Account deleted: personal data erased, orders and certificates kept.")).to_be_visible()
    # the person's open browser is signed out at the next page load
    ui.goto(page, "/dashboard")
    ui.path_is(page, "/login")
