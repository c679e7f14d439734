"""Public verify page at /verify/<number>: valid, revoked (with date) or unknown.

Anyone may open it (the QR code on the PDF leads here). It shows the learner's name, course,
teacher, completion date and issuer, and nothing else about the learner.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import page_shell
from lms_app.ui.links import anchor_button
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.certificates.models import VerifyView
from lms_app.certificates.services import issuing as certificates
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import public

ROUTE_PREFIX = "/verify/"
EMPTY = VerifyView(status="", number="", learner_name="", course_title="", teacher_name="", date_label="",
                   issuer="", revoked_label="", credential_href="", linkedin_href="",
                   holder_closed=False, completion_rule="")


def number_from_path(path: object) -> str:
    if not isinstance(path, str) or not path.startswith(ROUTE_PREFIX):
        return ""
    return path[len(ROUTE_PREFIX):].strip("/").split("/")[0][:40]


class VerifyState(rx.State):
    view: VerifyView = EMPTY
    loaded: bool = False

    @rx.event
    @public
    async def load(self):
        """The certificate named by the URL: listed public fields only (services.certificates.public_view)."""
        settings = get_settings()
        base = public_base(settings, self.router.headers.origin)
        number = number_from_path(self.router.url.path)
        self.view = await run_db(certificates.public_view, number, base, settings.site_name)
        self.loaded = True


V = VerifyState.view


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color=rx.color("gray", 11), weight="medium"),
                     rx.text(value, size="3", weight="medium"), spacing="1", align="start", min_width="0")


def _status() -> rx.Component:
    return rx.match(
        V["status"],
        ("valid", rx.callout("This certificate is valid.", icon="badge-check", color_scheme="green", size="2",
                             width="100%")),
        ("revoked", rx.callout("This certificate was revoked on " + V["revoked_label"] + ". It is no longer valid.",
                               icon="circle-x", color_scheme="red", size="2", width="100%", role="alert")),
        rx.callout("No certificate has this number. Check that it was typed exactly as printed.",
                   icon="circle-help", color_scheme="gray", size="2", width="100%"),
    )


def _details() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(V["issuer"], size="2", color=rx.color("accent", 11), weight="bold"),
            rx.heading(V["learner_name"], size="7", as_="h2"),
            rx.text("completed", size="2", color=rx.color("gray", 11)),
            rx.heading(V["course_title"], size="5", as_="h3"),
            rx.cond(V["holder_closed"],
                    rx.text("The holder has since closed their account. The certificate stands as issued, under the "
                            "name it was issued to.", size="2", color=rx.color("gray", 11), id="holder-closed")),
            rx.grid(
                _fact("Teacher", V["teacher_name"]),
                _fact("Completed on", V["date_label"]),
                _fact("Issued by", V["issuer"]),
                _fact("Certificate number", rx.code(V["number"], size="2", style={"wordBreak": "break-all"})),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%", margin_top="0.5rem",
            ),
            rx.cond(V["completion_rule"] != "",
                    rx.text(V["completion_rule"], size="2", color=rx.color("gray", 11), id="completion-rule")),
            rx.hstack(
                anchor_button(rx.icon("file-json", size=16), "Signed credential (JSON)", href=V["credential_href"],
                              variant="soft", size="2", new_tab=True),
                rx.cond(V["linkedin_href"] != "",
                        anchor_button(rx.icon("briefcase", size=16), "Add to LinkedIn", href=V["linkedin_href"],
                                      variant="soft", size="2", new_tab=True)),
                spacing="2", wrap="wrap", margin_top="0.5rem",
            ),
            rx.text("The credential is signed with the platform's Ed25519 key, published at ",
                    rx.el.a("/api/issuer.json", href="/api/issuer.json", reload_document=True,
                            style={"color": "var(--accent-a11)"}), ".",
                    size="1", color=rx.color("gray", 11)),
            spacing="2", align="start", width="100%",
        ),
        width="100%", size="3",
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.hstack(rx.icon("shield-check", size=28, color=rx.color("accent", 11)),
                      rx.heading("Certificate verification", size="7", as_="h1"), spacing="3", align="center"),
            rx.cond(
                VerifyState.loaded,
                rx.vstack(_status(), rx.cond(V["status"] != "unknown", _details()), spacing="4", width="100%"),
                rx.skeleton(rx.box(height="240px", width="100%")),
            ),
            spacing="5", width="100%", max_width="720px", margin_x="auto",
        ),
    )


ROUTE = "/verify/[cert_number]"
TITLE = "Verify a certificate"
DESCRIPTION = "Check that a Lumen Learning certificate is genuine."
ON_LOAD = [AuthState.refresh, VerifyState.load]
