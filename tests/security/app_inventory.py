"""The app's own Reflex states, found by walking rx.State's substates (shared by the security tests).

"Own" means defined under ``lms_app`` or in the package of a registered plugin, so an installed
plugin's states are checked exactly like the built-in ones.
"""

from __future__ import annotations

from reflex.state import State

from lms_app.core import plugins


def app_packages() -> set[str]:
    """Top-level packages whose states are the app's: lms_app and every registered plugin's."""
    return {"lms_app"} | {row["module"].split(".")[0] for row in plugins.installed() if row["module"]}


def is_app_state(cls: type) -> bool:
    return cls.__module__.split(".")[0] in app_packages()


def app_states() -> list[type]:
    """Every State subclass defined under ``lms_app`` or a plugin's package, sorted by name."""
    found, todo = [], list(State.get_substates())
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if is_app_state(cls):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)
