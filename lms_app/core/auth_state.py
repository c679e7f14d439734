"""Who is signed in, for the layout shell, and the sign-in/out hand-over to the cookie route."""

from __future__ import annotations

import json

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.views import CurrentUserView
from lms_app.core import sessions
from lms_app.core.view_builders import current_user_view
from lms_app.core.guard import public, resolve, session_token

SIGNED_OUT = CurrentUserView(id=0, name="", email="", role="", initials="", avatar_url="", bio="", timezone="UTC")


def start_session_script(ticket: str, next_path: str, device: str = "") -> rx.event.EventSpec:
    """Trade a login ticket for the HttpOnly cookie, then load ``next_path`` in a fresh tab state.

    Dropping the per-tab Reflex token makes the next page start from empty state, so nothing
    of the signed-out (or previous) user survives into the session. ``device`` is a one-time
    claim for the "remember this device" cookie of two-factor sign-in (accounts.mfa).
    """
    extra = f",device:{json.dumps(device)}" if device else ""
    return rx.call_script(
        "fetch('/api/session',{method:'POST',credentials:'same-origin',"
        "headers:{'Content-Type':'application/json'},"
        f"body:JSON.stringify({{ticket:{json.dumps(ticket)}{extra}}})}})"
        ".then(function(r){sessionStorage.removeItem('token');"
        f"window.location.replace(r.ok?{json.dumps(next_path)}:'/login?expired=1');}})"
    )


END_SESSION_SCRIPT = (
    "fetch('/api/session',{method:'DELETE',credentials:'same-origin'})"
    ".finally(function(){sessionStorage.removeItem('token');window.location.replace('/login?signed_out=1');})"
)


class AuthState(rx.State):
    """The signed-in user's own profile summary for the navbar (public vars: own data only)."""

    user: CurrentUserView = SIGNED_OUT
    signed_in: bool = False
    checked: bool = False

    @rx.event
    @public
    async def refresh(self):
        """Re-read who is signed in (every page load). Shows only the caller's own data."""
        found = await resolve(self)
        self._apply(found[1] if found else None)

    def _apply(self, user) -> None:
        self.user = current_user_view(user) if user is not None else SIGNED_OUT
        self.signed_in = user is not None
        self.checked = True

    @rx.event
    @public
    async def logout(self):
        """Revoke this browser's session and reload signed out (safe for anyone to call)."""
        token = session_token(self)
        if token:
            await run_db(sessions.revoke_token, token)
        self._apply(None)
        return rx.call_script(END_SESSION_SCRIPT)
