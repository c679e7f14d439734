"""Live-session pages: the list (/live), an offering (/live/[offering_id]), the teacher's
"My sessions" (/teach/live), the admin's bookings (/admin/live) and the dashboard card — one
module each (``browse``, ``teach``, ``admin``, ``dashboard``), with the view types in ``views``.

Public vars hold DTOs from ``lms_app.live.services`` (never rows). The meeting link is never put
in a var: ``join`` fetches it for the booking's own learner and opens it in the event's answer.
The viewer's time zone comes from the browser (``Intl``) and is validated by ``times.zone``.
"""

from __future__ import annotations

from lms_app.core.auth_state import AuthState
from lms_app.live.pages.admin import LiveAdminState, admin_page
from lms_app.live.pages.browse import LiveListState, LiveOfferingState, list_page, offering_page
from lms_app.live.pages.dashboard import LiveDashboardState, dashboard_card
from lms_app.live.pages.offering_form import LiveOfferingEditState
from lms_app.live.pages.teach import LiveTeachState, teach_page

__all__ = ["LiveAdminState", "LiveDashboardState", "LiveListState", "LiveOfferingEditState", "LiveOfferingState",
           "LiveTeachState",
           "admin_page", "dashboard_card", "list_page", "offering_page", "teach_page",
           "ON_LOAD_LIST", "ON_LOAD_OFFERING", "ON_LOAD_TEACH", "ON_LOAD_ADMIN"]

ON_LOAD_LIST = [AuthState.refresh, LiveListState.load]
ON_LOAD_OFFERING = [AuthState.refresh, LiveOfferingState.load]
ON_LOAD_TEACH = [AuthState.refresh, LiveTeachState.load]
ON_LOAD_ADMIN = [AuthState.refresh, LiveAdminState.load]
