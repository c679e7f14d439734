"""Bundle pages: the public list (/bundles), one bundle with its checkout (/bundles/<slug>),
and the teacher's bundles (/teach/bundles).

Card details travel only as the ``buy`` event's form argument (no state var holds them); the
price shown comes from the server and ``buy`` never reads an amount.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import parse_qs

import reflex as rx

from lms_app.bundles import services
from lms_app.bundles.views import BundleCourseItem, BundleSummary
from lms_app.commerce.gateways import get_gateway
from lms_app.commerce.pages.billing import billing_section
from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public, resolve
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA
from lms_app.core.settings import get_settings
from lms_app.ui.forms import field, form_error
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.links import link_button

PREFIX = "/bundles/"
_LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


class BundleView(TypedDict):
    slug: str
    title: str
    teacher: str
    description: str
    price_label: str
    separate_label: str
    savings_label: str
    active: bool
    available: bool
    signed_in: bool
    is_teacher: bool
    bought: bool
    owns_all: bool
    owned_note: str
    email_verified: bool
    list_label: str
    discount_label: str
    total_label: str
    is_free_now: bool
    coupon_code: str


EMPTY = BundleView(slug="", title="", teacher="", description="", price_label="", separate_label="",
                   savings_label="", active=False, available=False, signed_in=False, is_teacher=False, bought=False,
                   owns_all=False, owned_note="", email_verified=False, list_label="", discount_label="",
                   total_label="", is_free_now=False, coupon_code="")


def _slug(path: str) -> str:
    return path[len(PREFIX):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(PREFIX) else ""


def _page_number(query: str) -> int:
    raw = (parse_qs(query or "").get("page") or ["1"])[0]
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


# --- the list ------------------------------------------------------------------------------

class BundleListState(rx.State):
    items: list[BundleSummary] = []
    page: int = 1
    has_next: bool = False
    loaded: bool = False

    @rx.event
    @public
    async def load(self):
        found = await run_db(services.public_list, _page_number(self.router.url.query))
        self.items = [BundleSummary(**{k: i[k] for k in BundleSummary.__annotations__}) for i in found["items"]]
        self.page, self.has_next, self.loaded = found["page"], found["has_next"], True


def _bundle_card(b) -> rx.Component:
    return rx.link(
        rx.card(rx.vstack(
            rx.hstack(rx.icon("package", size=18, color=rx.color("accent", 11)),
                      rx.text(b["course_count"], " courses", size="2", color=rx.color("gray", 11)), align="center"),
            rx.heading(b["title"], size="4", as_="h2"),
            rx.text(b["course_titles"], size="2", color=rx.color("gray", 11)),
            rx.text("By ", b["teacher"], size="2"),
            rx.hstack(rx.text(b["price_label"], weight="bold", size="4"),
                      rx.cond(b["savings_label"] != "",
                              rx.badge("Save ", b["savings_label"], color_scheme="green", variant="soft")),
                      align="center", spacing="3"),
            spacing="2", align="start", width="100%"), width="100%", height="100%"),
        href="/bundles/" + b["slug"], underline="none", color="inherit", width="100%")


def list_page() -> rx.Component:
    S = BundleListState
    return page_shell(
        page_heading("Course bundles", "Several courses together, for less than buying them one by one."),
        rx.cond(
            S.loaded,
            rx.cond(
                S.items.length() > 0,
                rx.vstack(
                    rx.grid(rx.foreach(S.items, _bundle_card), columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                            spacing="4", width="100%"),
                    rx.hstack(
                        rx.cond(S.page > 1, link_button(rx.icon("chevron-left", size=16), "Previous",
                                                        href="/bundles?page=" + (S.page - 1).to_string(),
                                                        variant="soft")),
                        rx.cond(S.has_next, link_button("Next", rx.icon("chevron-right", size=16),
                                                        href="/bundles?page=" + (S.page + 1).to_string(),
                                                        variant="soft")),
                        spacing="3"),
                    spacing="4", width="100%"),
                empty_state("package", "No bundles yet",
                            "Teachers have not put any course bundles on sale yet. Browse the catalog for single "
                            "courses.", link_button("Browse the catalog", href="/courses", variant="soft")),
            ),
            loading_block(),
        ),
    )


# --- one bundle ----------------------------------------------------------------------------

def _view(found: dict) -> BundleView:
    return BundleView(**{k: found[k] for k in BundleView.__annotations__})


def _courses(found: dict) -> list[BundleCourseItem]:
    return [BundleCourseItem(**c) for c in found["courses"]]


def _card_gateway() -> bool:
    try:
        return hasattr(get_gateway(get_settings()), "charge")
    except Exception:  # misconfigured: the start-up check reports it; paying will say so
        return False


def _buy(session, actor, slug, coupon, form):
    paid = services.pay(session, get_settings(), actor, slug, coupon, form, billing=form)  # billing_* keys
    return paid.redirect_url or f"/orders/{paid.order_id}"


class BundlePageState(rx.State):
    bundle: BundleView = EMPTY
    courses: list[BundleCourseItem] = []
    found: bool = False
    loaded: bool = False
    card_gateway: bool = True
    coupon_error: str = ""
    error: str = ""
    # The form field the error is about (billing details show it under the field).
    error_field: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        self.loaded, self.error, self.coupon_error, self.busy = False, "", "", False
        self.card_gateway = _card_gateway()
        found = await resolve(self)
        await self._fill(found[0] if found else None, "")
        self.loaded = True

    async def _fill(self, viewer, coupon: str) -> dict | None:
        view = await run_db(services.page_view, _slug(self.router.url.path), viewer, coupon)
        if view is None:
            self.bundle, self.courses, self.found = EMPTY, [], False
            return None
        self.bundle, self.courses, self.found = _view(view), _courses(view), True
        return view

    @rx.event
    @guarded(LEARNER_AREA)
    async def apply_coupon(self, form: dict):
        code = form.get("coupon") if isinstance(form, dict) else None
        if not isinstance(code, str) or not code.strip():
            self.coupon_error = "Enter a coupon code."
            return
        view = await self._fill(current_actor(), code[:40])
        self.coupon_error = view["coupon_error"] if view else ""
        if view and not view["coupon_error"] and view["coupon_code"]:
            return rx.toast.success(f"Coupon {view['coupon_code']} applied.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def remove_coupon(self):
        self.coupon_error = ""
        await self._fill(current_actor(), "")

    @rx.event
    @guarded(LEARNER_AREA)
    async def buy(self, form: dict):
        """Charge the card (or nothing under a 100 % coupon); the server prices everything."""
        if self.busy:
            return
        self.busy, self.error, self.error_field = True, "", ""
        yield
        actor, slug, coupon = current_actor(), _slug(self.router.url.path), self.bundle["coupon_code"]
        try:
            target = await run_db(_buy, actor, slug, coupon, form if isinstance(form, dict) else {})
        except ServiceError as exc:
            self.busy, self.error, self.error_field = False, exc.message, exc.field or ""
            yield rx.toast.error(exc.message)
            return
        self.busy = False
        if target.startswith("/orders/"):
            yield rx.toast.success("Bundle bought: you are enrolled in its courses.")
        yield rx.redirect(target)


B = BundlePageState.bundle


def _course_row(c) -> rx.Component:
    return rx.hstack(
        rx.icon("book-open", size=18, color=rx.color("accent", 11)),
        rx.link(c["title"], href="/courses/" + c["slug"], weight="medium"),
        rx.spacer(),
        rx.cond(c["owned"], rx.badge(rx.icon("circle-check", size=14), "You own this", color_scheme="green",
                                     variant="soft"),
                rx.text(c["price_label"], size="2", color=rx.color("gray", 11))),
        width="100%", align="center", padding_y="0.5rem", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _row(label, value, **props) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color=rx.color("gray", 11)), rx.spacer(),
                     rx.text(value, size="2", **props),
                     width="100%")


def _coupon_form() -> rx.Component:
    S = BundlePageState
    return rx.cond(
        B["coupon_code"] != "",
        rx.hstack(rx.badge(rx.icon("ticket-percent", size=14), B["coupon_code"], " applied", color_scheme="green",
                           size="2"),
                  rx.spacer(), rx.button("Remove", variant="ghost", size="1", on_click=S.remove_coupon),
                  width="100%", align="center"),
        rx.form(rx.vstack(
            rx.el.label("Coupon code", html_for="bundle-coupon", style=_LABEL),
            rx.hstack(rx.input(id="bundle-coupon", name="coupon", placeholder="e.g. DEMO20", flex="1",
                               aria_invalid=rx.cond(S.coupon_error != "", "true", "false")),
                      rx.button("Apply", type="submit", variant="soft"), width="100%"),
            rx.cond(S.coupon_error != "", rx.text(S.coupon_error, size="1", color=rx.color("red", 11), role="alert")),
            spacing="1", width="100%", align="start"), on_submit=S.apply_coupon, width="100%"),
    )


def _pay_form() -> rx.Component:
    S = BundlePageState
    return rx.cond(
        B["is_free_now"],
        rx.button(rx.icon("circle-plus", size=16), "Get the bundle for free", size="3", width="100%",
                  loading=S.busy, on_click=S.buy({})),
        rx.cond(
            S.card_gateway,
            rx.form(rx.vstack(
                field("Card number", "card_number", placeholder="4242 4242 4242 4242", auto_complete="cc-number",
                      input_mode="numeric", required=True),
                rx.grid(field("Expiry (MM/YY)", "expiry", placeholder="MM/YY", auto_complete="cc-exp", required=True),
                        field("CVC", "cvc", placeholder="123", auto_complete="cc-csc", input_mode="numeric",
                              required=True),
                        columns="2", spacing="3", width="100%"),
                field("Name on card", "name", auto_complete="cc-name"),
                billing_section(S.error_field, S.error),
                rx.button(rx.icon("lock", size=16), "Buy bundle for ", B["total_label"], type="submit", size="3",
                          width="100%", loading=S.busy, id="buy-bundle"),
                rx.text("Test mode: use 4242 4242 4242 4242, any future expiry and any CVC.", size="1",
                        color=rx.color("gray", 11)),
                spacing="3", width="100%"), on_submit=S.buy, width="100%"),
            rx.form(rx.vstack(
                rx.text("You will pay on the secure page of our payment provider, then come back here with access "
                        "to the courses.", size="2"),
                billing_section(S.error_field, S.error),
                rx.button(rx.icon("lock", size=16), "Continue to pay ", B["total_label"], size="3", width="100%",
                          loading=S.busy, type="submit", id="continue-to-payment"),
                rx.text("Card details are never sent to or stored by this site.", size="1",
                        color=rx.color("gray", 11)),
                spacing="3", width="100%"), on_submit=S.buy, width="100%"),
        ),
    )


def _checkout_card() -> rx.Component:
    S = BundlePageState
    return rx.card(rx.vstack(
        rx.heading("Buy this bundle", size="4", as_="h2"),
        rx.cond(B["savings_label"] != "",
                rx.text("Separately ", rx.el.s(B["separate_label"]), " · you save ", B["savings_label"], size="2",
                        color=rx.color("green", 11))),
        rx.cond(
            ~B["available"],
            rx.callout("This bundle is not on sale right now.", icon="info", width="100%"),
            rx.cond(
                B["bought"] | B["owns_all"],
                rx.callout(rx.cond(B["bought"], "You bought this bundle: its courses are in your learning.",
                                   "You already own every course in this bundle."),
                           icon="circle-check", color_scheme="green", width="100%"),
                rx.cond(
                    ~B["signed_in"],
                    rx.vstack(rx.text("Sign in to buy this bundle.", size="2"),
                              link_button("Sign in", href="/login?next=/bundles/" + B["slug"], width="100%"),
                              spacing="2", width="100%"),
                    rx.cond(
                        B["is_teacher"],
                        rx.callout("You teach these courses: learners buy the bundle, you sell it.", icon="info",
                                   width="100%"),
                        rx.cond(
                            ~B["email_verified"],
                            rx.callout("Confirm your e-mail address before buying: follow the link we sent you.",
                                       icon="mail", width="100%"),
                            rx.vstack(
                                rx.cond(B["owned_note"] != "", rx.text(B["owned_note"], size="2")),
                                _row("Price", B["list_label"]),
                                rx.cond(B["discount_label"] != "",
                                        _row(rx.fragment("Coupon ", rx.code(B["coupon_code"])), B["discount_label"],
                                             color=rx.color("green", 11))),
                                rx.separator(size="4"),
                                rx.hstack(rx.text("Total", weight="bold"), rx.spacer(),
                                          rx.text(B["total_label"], weight="bold", size="5"), width="100%",
                                          align="baseline"),
                                _coupon_form(),
                                form_error(S.error),
                                _pay_form(),
                                spacing="3", width="100%", align="start"),
                        ),
                    ),
                ),
            ),
        ),
        spacing="3", width="100%", align="start"), width="100%")


def bundle_page() -> rx.Component:
    S = BundlePageState
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.found,
                rx.vstack(
                    page_heading(B["title"], rx.fragment("A bundle of ", S.courses.length().to_string(),
                                                         " courses by ", B["teacher"])),
                    rx.cond(~B["active"], rx.callout("This bundle is off sale: only you see it.", icon="eye-off",
                                                     width="100%")),
                    rx.grid(
                        rx.vstack(
                            rx.cond(B["description"] != "", rx.text(B["description"], size="3",
                                                                    white_space="pre-wrap")),
                            rx.heading("Courses in this bundle", size="4", as_="h2"),
                            rx.vstack(rx.foreach(S.courses, _course_row), spacing="0", width="100%"),
                            rx.hstack(rx.text("Bundle price", weight="bold"), rx.spacer(),
                                      rx.text(B["price_label"], weight="bold", size="5"), width="100%",
                                      align="baseline"),
                            spacing="3", width="100%", align="start"),
                        _checkout_card(),
                        columns=rx.breakpoints(initial="1", md="2"), spacing="5", width="100%"),
                    spacing="4", width="100%"),
                empty_state("package", "Bundle not found", "This bundle does not exist or is no longer on sale.",
                            link_button("See all bundles", href="/bundles", variant="soft"), level="h1"),
            ),
            loading_block(),
        ),
    )


# --- teaching ------------------------------------------------------------------------------

class TeachRow(TypedDict):
    id: int
    slug: str
    title: str
    price_label: str
    courses: int
    sales: int
    active: bool
    policy: str


class Choice(TypedDict):
    id: str
    title: str
    price_label: str


def _form_values(form: dict) -> dict:
    out = {k: form.get(k) for k in ("title", "description", "price", "owned_policy")}
    out["courses"] = [k[len("course-"):] for k, v in form.items()
                      if isinstance(k, str) and k.startswith("course-") and v not in (None, "", False, "off")]
    return out


class TeachBundlesState(rx.State):
    rows: list[TeachRow] = []
    choices: list[Choice] = []
    loaded: bool = False
    # The form: 0 = a new bundle; else the bundle being edited. ``form_key`` remounts the form.
    editing_id: int = 0
    form_key: int = 0
    f_title: str = ""
    f_description: str = ""
    f_price: str = ""
    f_policy: str = "prorate"
    f_courses: list[str] = []
    error: str = ""
    error_field: str = ""
    busy: bool = False
    confirm_open: bool = False
    confirm_id: int = 0
    confirm_title: str = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        actor = current_actor()
        self.rows = await run_db(services.teacher_list, actor)
        self.choices = await run_db(services.course_choices, actor)
        self._blank()
        self.loaded = True

    def _blank(self):
        self.editing_id, self.f_title, self.f_description, self.f_price = 0, "", "", ""
        self.f_policy, self.f_courses, self.error, self.error_field = "prorate", [], "", ""
        self.form_key += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def new(self):
        self._blank()

    @rx.event
    @guarded(TEACHER_AREA)
    async def edit(self, bundle_id: int):
        try:
            view = await run_db(services.edit_view, current_actor(), bundle_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.editing_id, self.f_title, self.f_description = view["id"], view["title"], view["description"]
        self.f_price, self.f_policy, self.f_courses = view["price"], view["owned_policy"], view["course_ids"]
        self.error, self.error_field = "", ""
        self.form_key += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def save(self, form: dict):
        if self.busy:
            return
        values = _form_values(form if isinstance(form, dict) else {})
        self.busy = True
        yield
        try:
            await run_db(services.save, current_actor(), values, self.editing_id or None)
        except ServiceError as exc:
            self.busy, self.error, self.error_field = False, exc.message, exc.field or ""
            return
        was_edit = bool(self.editing_id)
        self.busy = False
        self.rows = await run_db(services.teacher_list, current_actor())
        self._blank()
        yield rx.toast.success("Bundle saved." if was_edit else "Bundle created and on sale.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def ask_deactivate(self, bundle_id: int, title: str):
        self.confirm_id = bundle_id if isinstance(bundle_id, int) and not isinstance(bundle_id, bool) else 0
        self.confirm_title = title[:160] if isinstance(title, str) else ""
        self.confirm_open = self.confirm_id > 0

    @rx.event
    @guarded(TEACHER_AREA)
    async def close_confirm(self):
        self.confirm_open, self.confirm_id = False, 0

    @rx.event
    @guarded(TEACHER_AREA)
    async def confirm_deactivate(self):
        bundle_id, self.confirm_open, self.confirm_id = self.confirm_id, False, 0
        return await self._set_active(bundle_id, False)

    @rx.event
    @guarded(TEACHER_AREA)
    async def activate(self, bundle_id: int):
        return await self._set_active(bundle_id, True)

    async def _set_active(self, bundle_id, active: bool):
        try:
            await run_db(services.set_active, current_actor(), bundle_id, active)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.rows = await run_db(services.teacher_list, current_actor())
        return rx.toast.success("Bundle back on sale." if active else "Bundle taken off sale.")


T = TeachBundlesState


def _err(name: str):
    return rx.cond(T.error_field == name, T.error, "")


def _bundle_form() -> rx.Component:
    return rx.card(rx.form(
        rx.vstack(
            rx.heading(rx.cond(T.editing_id > 0, "Edit bundle", "New bundle"), size="4", as_="h2"),
            rx.cond((T.error != "") & (T.error_field == ""),
                    rx.callout(T.error, icon="circle-alert", color_scheme="red", role="alert", width="100%")),
            field("Title", "title", _err("title"), default_value=T.f_title, required=True, max_length=160),
            rx.vstack(rx.el.label("Description", html_for="bundle-description", style=_LABEL),
                      rx.text_area(id="bundle-description", name="description", default_value=T.f_description,
                                   width="100%", rows="3"),
                      rx.cond(_err("description") != "", rx.text(_err("description"), size="1",
                                                                 color=rx.color("red", 11), role="alert")),
                      spacing="1", width="100%"),
            field("Bundle price (in the courses' currency, e.g. 79.99)", "price", _err("price"),
                  default_value=T.f_price, required=True, input_mode="decimal"),
            rx.vstack(rx.el.label("Learners who already own some of the courses", html_for="bundle-policy",
                                  style=_LABEL),
                      rx.el.select(rx.el.option(services.POLICY_LABELS["prorate"], value="prorate"),
                                   rx.el.option(services.POLICY_LABELS["same"], value="same"),
                                   id="bundle-policy", name="owned_policy", default_value=T.f_policy,
                                   class_name="lms-native-select"),
                      rx.text("Owned courses are shown as “You own this”; buying never enrols anyone twice.",
                              size="1", color=rx.color("gray", 11)),
                      spacing="1", width="100%"),
            rx.vstack(
                rx.text("Courses (at least two of your published, paid courses)", size="2", weight="medium"),
                rx.cond(T.choices.length() > 0,
                        rx.vstack(rx.foreach(T.choices, lambda c: rx.el.label(
                            rx.checkbox(name="course-" + c["id"], default_checked=T.f_courses.contains(c["id"]),
                                        aria_label=c["title"]),
                            rx.text(c["title"], size="2"), rx.text(c["price_label"], size="1",
                                                                   color=rx.color("gray", 11)),
                            style={"display": "flex", "gap": "8px", "alignItems": "center"})), spacing="2"),
                        rx.text("Publish at least two paid courses to bundle them.", size="2",
                                color=rx.color("gray", 11))),
                rx.cond(_err("courses") != "", rx.text(_err("courses"), size="1", color=rx.color("red", 11),
                                                       role="alert")),
                spacing="2", width="100%", align="start"),
            rx.hstack(
                rx.button(rx.icon("save", size=16), rx.cond(T.editing_id > 0, "Save changes", "Create bundle"),
                          type="submit", loading=T.busy),
                rx.cond(T.editing_id > 0, rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                                    on_click=T.new)),
                spacing="3"),
            spacing="3", width="100%", align="start"),
        on_submit=T.save, reset_on_submit=False, key=T.form_key.to_string(), width="100%"), width="100%")


def _teach_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(r["title"], href="/bundles/" + r["slug"])),
        rx.table.cell(r["courses"]), rx.table.cell(r["price_label"]), rx.table.cell(r["sales"]),
        rx.table.cell(rx.badge(rx.cond(r["active"], "On sale", "Off sale"),
                               color_scheme=rx.cond(r["active"], "green", "gray"), variant="soft")),
        rx.table.cell(rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=T.edit(r["id"]),
                      aria_label="Edit " + r["title"]),
            rx.cond(r["active"],
                    rx.button("Take off sale", size="1", variant="soft", color_scheme="red",
                              on_click=T.ask_deactivate(r["id"], r["title"])),
                    rx.button("Put on sale", size="1", variant="soft", on_click=T.activate(r["id"]))),
            spacing="2")),
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Take this bundle off sale?"),
            rx.alert_dialog.description(
                "“", T.confirm_title, "” will no longer be listed or sold. Learners who bought it keep their "
                "courses. You can put it back on sale later."),
            rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=T.close_confirm),
                      rx.button("Take off sale", color_scheme="red", on_click=T.confirm_deactivate),
                      justify="end", width="100%", spacing="3", margin_top="1rem"),
        ),
        open=T.confirm_open,
    )


def teach_page() -> rx.Component:
    return page_shell(
        page_heading("My bundles", "Sell several of your courses together at one price."),
        rx.cond(
            T.loaded,
            rx.vstack(
                rx.cond(
                    T.rows.length() > 0,
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell("Bundle"), rx.table.column_header_cell("Courses"),
                            rx.table.column_header_cell("Price"), rx.table.column_header_cell("Sales"),
                            rx.table.column_header_cell("Status"), rx.table.column_header_cell("Actions"))),
                        rx.table.body(rx.foreach(T.rows, _teach_row)), width="100%"), overflow_x="auto",
                        width="100%"),
                    empty_state("package", "No bundles yet",
                                "Create your first bundle below: pick two or more of your published courses and "
                                "a price lower than buying them one by one."),
                ),
                _bundle_form(),
                _confirm_dialog(),
                spacing="5", width="100%"),
            loading_block(),
        ),
    )


ON_LOAD_LIST = [AuthState.refresh, BundleListState.load]
ON_LOAD_BUNDLE = [AuthState.refresh, BundlePageState.load]
ON_LOAD_TEACH = [AuthState.refresh, TeachBundlesState.load]
