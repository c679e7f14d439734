"""Profile: avatar upload checked by content, password change signs out other sessions."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect


def _choose_photo(page: Page, path: Path) -> None:
    """Click "Upload a photo" and pick ``path`` in the file chooser, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload a photo").click()
    chooser.value.set_files(str(path))


def test_avatar_upload_checks_content_and_shows_the_picture(ui, page: Page, new_learner, tmp_path: Path):
    name, _, _ = new_learner
    ui.goto(page, "/profile")
    nav_avatar = page.get_by_role("button", name="Account menu").get_by_role("img")
    expect(nav_avatar).to_have_count(0)  # initials only before an upload

    # A text file named .png is refused by its content.
    fake = tmp_path / "not-really.png"
    fake.write_text("this is plain text pretending to be a picture\n" * 20)
    _choose_photo(page, fake)
    expect(page.get_by_role("alert").filter(has_text="That file is not a PNG")).to_be_visible()
    expect(nav_avatar).to_have_count(0)

    # A real PNG is accepted, re-encoded, and shown in the navbar.
    real = tmp_path / "me.png"
    Image.new("RGB", (300, 200), (220, 80, 40)).save(real, format="PNG")
    _choose_photo(page, real)
    expect(page.get_by_text("Avatar updated.")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="That file is not a PNG")).to_have_count(0)
    expect(nav_avatar).to_be_visible()
    expect(nav_avatar).to_have_attribute("src", re.compile(r"^/media/avatars/[A-Za-z0-9_-]+\.webp$"))
    src = nav_avatar.get_attribute("src")
    response = page.request.get(src)
    assert response.status == 200, (src, response.status)
    assert response.headers["content-type"].startswith("image/webp"), response.headers
    body = response.body()
    assert body[:4] == b"RIFF" and body[8:12] == b"WEBP", body[:16]

    # Still there after a reload (stored, not only in the tab's state).
    page.reload()
    ui.ready(page)
    expect(nav_avatar).to_have_attribute("src", src)

    # Accessibility: the photo on the profile page is described by the person's name.
    expect(page.get_by_alt_text(name, exact=True).first,
           "the avatar <img> has no alt text (rx.avatar drops alt=...)").to_be_attached()


def test_password_change_signs_out_the_other_session(ui, page: Page, new_context, new_learner):
    name, email, password = new_learner
    new_password = "an even longer passphrase"

    # A second browser signed in as the same person.
    other = new_context().new_page()
    ui.login(other, email, password, lands_on="/dashboard")

    ui.goto(page, "/profile")
    # Wrong current password: refused with a message next to the field.
    page.get_by_label("Current password").fill("this is not it")
    page.get_by_label("New password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert").filter(has_text="The current password is incorrect.")).to_be_visible()
    other.goto("/dashboard")
    ui.path_is(other, "/dashboard")  # nothing changed yet: the other browser is still in
    ui.ready(other)
    ui.signed_in(other)

    # Right current password: changed, and the other session is signed out.
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text(re.compile(r"Password changed\. 1 other session was signed out\."))).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="The current password is incorrect.")).to_have_count(0)

    other.goto("/dashboard")
    other.wait_for_url(re.compile(r"/login/?\?next=%2Fdashboard(%2F)?$"), timeout=30_000)
    ui.ready(other)
    ui.signed_out(other)

    # This browser stays signed in.
    ui.goto(page, "/dashboard")
    ui.path_is(page, "/dashboard")
    ui.signed_in(page)

    # The old password no longer works; the new one does.
    ui.sign_in(other, email, password)
    expect(other.get_by_role("alert").filter(has_text="The email or password is incorrect.")).to_be_visible()
    ui.sign_in(other, email, new_password)
    ui.path_is(other, "/dashboard")
    ui.ready(other)
    ui.signed_in(other)
