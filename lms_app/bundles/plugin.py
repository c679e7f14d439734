"""Bundles: several of a teacher's courses at one price, bought through the checkout."""

from __future__ import annotations

from lms_app.bundles import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, Page, PersonalData, hookimpl


def _register_with_commerce() -> None:
    from lms_app.bundles.services import fulfil_paid, release_failed, undo_refunded
    from lms_app.commerce.services.provider_checkout import on_item_paid
    from lms_app.commerce.services.refunds import on_item_refunded
    from lms_app.commerce.services.revenue import ITEM_LABELS

    on_item_refunded("bundle", undo_refunded)
    on_item_paid("bundle", fulfil_paid, release_failed)
    from lms_app.core.audit import ACTION_LABELS

    ITEM_LABELS.setdefault("bundle", "Bundle")
    ACTION_LABELS.setdefault("bundle.save", "Saved a bundle")
    ACTION_LABELS.setdefault("bundle.activate", "Put a bundle on sale")
    ACTION_LABELS.setdefault("bundle.deactivate", "Took a bundle off sale")


_register_with_commerce()


@hookimpl
def lms_pages():
    from lms_app.bundles import pages

    return [Page("/bundles", pages.list_page, "Bundles", pages.ON_LOAD_LIST),
            Page("/bundles/[slug]", pages.bundle_page, "Bundle", pages.ON_LOAD_BUNDLE),
            Page("/teach/bundles", pages.teach_page, "My bundles", pages.ON_LOAD_TEACH)]


@hookimpl
def lms_nav_items():
    return [NavItem("main", "Bundles", "/bundles", "package", order=12),
            NavItem("teacher", "Bundles", "/teach/bundles", "package", order=35)]


@hookimpl
def lms_api_routers():
    from lms_app.bundles import api

    return [api.router]


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.bundles.demo import ensure_demo_bundle

    return {"bundles": ensure_demo_bundle(session)}


@hookimpl
def lms_personal_data():
    return [PersonalData("bundle_purchases", ("user_id",), "keep",
                         why="Bundle purchases back the orders kept for accounting; they point at the anonymised "
                             "account."),
            PersonalData("bundle_grants", ("user_id",), "keep",
                         why="Which enrolments a bundle order granted, so a refund removes exactly those; kept "
                             "with the order."),
            PersonalData("bundles", ("teacher_id",), "keep", export=False,
                         why="A teacher's bundles (teachers who own content cannot delete their account).")]
