"""The plugin manager (pluggy): built-in feature packages and installed plugins, one mechanism.

``manager()`` registers the built-in features' ``plugin`` modules (``BUILTIN``) and then every
installed package that names a module in the ``lms.plugins`` entry-point group, except those
listed in ``LMS_DISABLED_PLUGINS``. Everything else asks this module for what plugins
contribute (pages, lesson types, gateways, routes...), so the app assembly names no feature.

Loading is lazy and happens once per process: importing a plugin module must be cheap (import
pages and heavy libraries inside the hook functions).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os

import pluggy

from lms_app.core import audit_log, courses, event_log, hookspecs, users  # noqa: F401  (core tables)
from lms_app.core.settings import SettingsError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lms.plugins"
# The built-in features, in the order their contributions appear (menus sort by their own order).
BUILTIN = ("ui", "accounts", "catalog", "authoring", "learning", "quizzes", "assignments", "certificates",
           "commerce", "admin", "analytics", "jobs", "mail", "backups", "operations",
           "notifications", "privacy", "api", "webhooks", "live",
           "payments", "community",
           "payouts", "bundles")


def disabled_plugins() -> tuple[str, ...]:
    """Installed plugins switched off by ``LMS_DISABLED_PLUGINS`` (comma separated names)."""
    names = tuple(n.strip() for n in os.environ.get("LMS_DISABLED_PLUGINS", "").split(",") if n.strip())
    builtin = sorted(set(names) & set(BUILTIN))
    if builtin:
        raise SettingsError(f"LMS_DISABLED_PLUGINS names built-in features ({', '.join(builtin)}): only installed "
                            "plugins can be switched off")
    return names


@functools.cache
def manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN:
        pm.register(importlib.import_module(f"lms_app.{name}.plugin"), name=name)
    for name in disabled_plugins():
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()  # a misspelt hook name in a plugin fails here, not silently
    return pm


def hook():
    return manager().hook


def installed() -> list[dict]:
    """Every registered plugin with its hooks, for ``manage plugins`` and the docs."""
    pm = manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            rows.append({"name": name, "source": "disabled", "module": "", "hooks": []})
            continue
        dist = dists.get(id(plugin))
        source = f"{dist.project_name} {dist.version}" if dist else ("built-in" if name in BUILTIN else "registered")
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        rows.append({"name": name, "source": source, "module": getattr(plugin, "__name__", repr(plugin)),
                     "hooks": hooks})
    return rows


def _flatten(results) -> list:
    return [item for result in results if result for item in result]


@functools.cache
def collected(hook_name: str) -> tuple:
    """The concatenated results of a list-returning hook (cached: called once per process)."""
    return tuple(_flatten(getattr(hook(), hook_name)()[::-1]))


# The hooks that take no arguments and return lists: collected once at start-up by ``collect_all``.
LIST_HOOKS = ("lms_settings", "lms_lesson_types", "lms_pages", "lms_nav_items", "lms_navbar_widgets",
              "lms_lesson_widgets", "lms_profile_sections", "lms_payment_gateways", "lms_http_routes", "lms_scheduled_jobs", "lms_migrations",
              "lms_metrics", "lms_notification_kinds",
              "lms_dashboard_cards", "lms_course_page_sections")


def collect_all() -> None:
    """Call every list hook once (the app does at start-up): a plugin's mistake fails the start,
    not the first request, and every state class a plugin contributes is defined."""
    for name in LIST_HOOKS:
        collected(name)
    from lms_app.core import lesson_types

    lesson_types.all_types()  # checks keys and duplicates


def setting(name: str):
    """A plugin setting's value (declared with ``lms_settings``), parsed once."""
    return _plugin_settings()[name]


@functools.cache
def _plugin_settings() -> dict:
    values = {}
    for spec in collected("lms_settings"):
        if not spec.name.startswith("LMS_"):
            raise SettingsError(f"plugin setting {spec.name!r} must start with LMS_")
        raw = os.environ.get(spec.name)
        if raw is None or raw == "":
            values[spec.name] = spec.default
            continue
        try:
            values[spec.name] = spec.parse(raw)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{spec.name}: {exc} ({spec.help})" if spec.help else f"{spec.name}: {exc}") from exc
    return values


def config_problems(settings) -> list[str]:
    """What plugins find wrong with the configuration: settings that do not parse, and each
    plugin's own checks (``lms_config_problems``). Empty when the app may start."""
    try:
        _plugin_settings()
    except SettingsError as exc:
        return [str(exc)]
    return _flatten(hook().lms_config_problems(settings=settings)[::-1])


def check_settings(settings) -> None:
    """Refuse to start while ``config_problems`` reports anything (the message names the setting)."""
    if problems := config_problems(settings):
        raise SystemExit("Refusing to start:\n- " + "\n- ".join(problems))


def refresh() -> None:
    """Forget the cached contributions (after registering or unregistering a plugin by hand)."""
    collected.cache_clear()
    _plugin_settings.cache_clear()
