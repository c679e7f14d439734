"""Without Redis, drop the in-memory state of tabs that left (issue 16, part 6).

Reflex's memory state manager keeps every tab's state until ``redis_token_expiration`` (one
hour by default) after the tab's *last event*, so a crowd that came and went stays in the
worker's memory for an hour: four rounds of 500 learners took the backend from 248 MB to
470 MB. Shortening that expiration is not the answer: it counts from the last event, so a
learner reading one long lesson without clicking would lose the state of a tab still open.

Here the clock starts when the tab's websocket *disconnects*: a sweep every
``SWEEP_SECONDS`` notes which states have no connected websocket on this worker, and drops
those that have had none for ``LMS_TAB_STATE_IDLE_MINUTES`` (never one whose lock is held by
an event being processed). After a sweep that dropped states, the C allocator is asked to hand
freed pages back to the system (``malloc_trim``), so RSS comes back down instead of staying at
its high-water mark.

A tab that comes back after its state was dropped connects with the same client token, gets a
fresh state and hydrates: its page's on_load handlers run again and re-read everything from the
database (the same path as after a server restart). The app keeps nothing in tab state that
the database does not hold.

With Redis (several workers) nothing runs: Redis expires states itself.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import time

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0


class TabExpiry:
    """Which in-memory states have had no websocket since when; drops the ones gone too long."""

    def __init__(self, idle_seconds: float):
        self.idle_seconds = idle_seconds
        self.gone_since: dict[str, float] = {}

    def sweep(self, manager, connected_tokens, now: float | None = None) -> int:
        """One pass over ``manager`` (a ``StateManagerMemory``); returns how many states were dropped."""
        now = time.time() if now is None else now
        connected = set(connected_tokens)
        states = manager.states
        locks = manager._states_locks
        tracked = manager._token_expires_at
        dropped = 0
        for key in list(states):
            if key in connected:
                self.gone_since.pop(key, None)
                continue
            since = self.gone_since.setdefault(key, now)
            if now - since < self.idle_seconds:
                continue
            entry = tracked.get(key)
            if entry is None:
                continue  # not tracked by Reflex (yet): leave it to its own bookkeeping
            token = entry[1]
            lock = locks.get(token.lock_key)
            if lock is not None and lock.locked():
                continue  # an event is being processed for it right now
            manager._purge_token(token)
            self.gone_since.pop(key, None)
            dropped += 1
        for key in [k for k in self.gone_since if k not in states]:
            del self.gone_since[key]
        return dropped


def _malloc_trim() -> None:
    """Give freed heap pages back to the system (glibc); a no-op elsewhere."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def install(app, idle_minutes: int) -> None:
    """Register the sweep as a lifespan task of ``app`` (only the memory state manager needs it)."""

    async def expire_idle_tabs():
        from reflex.istate.manager.memory import StateManagerMemory

        expiry = TabExpiry(idle_minutes * 60.0)
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                manager = app.state_manager
                if not isinstance(manager, StateManagerMemory):
                    return  # Redis or disk: the manager expires states itself
                namespace = app.event_namespace
                connected = namespace.token_to_sid.keys() if namespace is not None else ()
                dropped = expiry.sweep(manager, connected)
                if dropped:
                    gc.collect()
                    _malloc_trim()
                    log.info("dropped %d idle tab states (%d left)", dropped, len(manager.states))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a failed sweep must not end the sweeping
                log.exception("tab state sweep failed")

    app.register_lifespan_task(expire_idle_tabs)
