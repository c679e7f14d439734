"""The dev-mode Vite proxy (lms_app/dev_proxy.py): every app route is forwarded, only in dev mode."""

from __future__ import annotations

import pytest
from reflex_base import constants
from reflex_base.environment import environment

from lms_app.core.http import build_api
from lms_app.core.dev_proxy import DevBackendProxy, add_proxy, app_route_prefixes, backend_target, route_prefixes


def _template() -> str:
    """The vite.config.js the installed Reflex generates (catches a template change on upgrade)."""
    from reflex.utils.frontend_skeleton import _compile_vite_config
    from reflex_base.config import get_config

    return _compile_vite_config(get_config())


def test_every_backend_route_is_proxied():
    prefixes = app_route_prefixes()
    for route in build_api().routes:
        assert any(route.path == p or (p.endswith("/") and route.path.startswith(p)) for p in prefixes), route.path
    assert {"/api/", "/media/"} <= set(prefixes)
    # Reflex's own endpoints already go to the backend URL; the pages stay with Vite.
    assert not any(p.startswith(("/_", "/ping", "/dashboard", "/login")) for p in prefixes)


def test_route_prefixes_cut_at_the_first_segment():
    assert route_prefixes(["/api/session", "/api/orders/{id}/receipt.pdf", "/media/avatars/{name}",
                           "/sitemap.xml"]) == ("/api/", "/media/", "/sitemap.xml")


def test_the_proxy_lands_in_the_dev_server_block_of_the_real_template():
    config = add_proxy(_template(), "http://127.0.0.1:8123", ("/api/", "/media/"))
    server_block = config.split("  server: {", 1)[1].split("\n  },", 1)[0]
    assert '"/api/": {"target": "http://127.0.0.1:8123", "changeOrigin": false}' in server_block
    assert '"/media/": {"target": "http://127.0.0.1:8123", "changeOrigin": false}' in server_block
    assert add_proxy(config, "http://127.0.0.1:8123", ("/api/", "/media/")) == config  # idempotent


def test_a_changed_template_fails_loudly():
    with pytest.raises(RuntimeError, match="anchor"):
        add_proxy("export default {}", "http://127.0.0.1:8000", ("/api/",))


@pytest.mark.parametrize(("host", "port", "target"), [
    ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
    ("localhost", 8123, "http://127.0.0.1:8123"),
    ("10.0.0.5", 8001, "http://10.0.0.5:8001"),
    ("::1", 8001, "http://[::1]:8001"),
    (None, None, "http://127.0.0.1:8000"),
])
def test_backend_target(host, port, target):
    assert backend_target(host, port) == target


@pytest.mark.parametrize(("mode", "patched"), [(constants.Env.DEV, True), (constants.Env.PROD, False)])
def test_only_dev_mode_gets_a_proxy(monkeypatch, mode, patched):
    monkeypatch.setenv(environment.REFLEX_ENV_MODE.name, mode.value)
    tasks = []
    DevBackendProxy().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)),
                                  add_save_task=None, radix_themes_plugin=None, unevaluated_pages=[])
    assert bool(tasks) is patched
    if patched:
        [(path, modify)] = tasks
        assert path == constants.ReactRouter.VITE_CONFIG_FILE
        assert "proxy: {" in modify(_template())
