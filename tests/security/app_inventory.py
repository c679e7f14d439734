"""The app's own Reflex states, found by walking rx.State's substates (shared by the security tests)."""

from __future__ import annotations

from reflex.state import State


def app_states() -> list[type]:
    """Every State subclass defined under ``lms_app``, sorted by name."""
    found, todo = [], list(State.get_substates())
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("lms_app"):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)
