"""The package layout's rules, checked on the source (imports), so a shortcut fails here:

- ``core`` imports no feature package, ``ui`` imports only ``core``;
- no module imports another package's private (``_``-prefixed) module;
- services are plain Python: no module under ``services/`` imports Reflex;
- the app assembly names no feature: everything reaches it through the plugin hooks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lms_app.core import plugins

APP = Path(__file__).resolve().parents[3] / "lms_app"
FEATURES = set(plugins.BUILTIN) - {"ui"} | {"demo"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _modules(package: str):
    return sorted((APP / package).rglob("*.py"))


@pytest.mark.parametrize("package, allowed", [("core", set()), ("ui", set())])
def test_core_and_ui_import_no_feature(package, allowed):
    offenders = []
    for path in _modules(package):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "lms_app" and len(parts) > 1 and parts[1] in FEATURES - allowed:
                offenders.append(f"{path.relative_to(APP)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_ui_imports_only_core():
    for path in _modules("ui"):
        for name in _imports(path):
            parts = name.split(".")
            assert not (parts[0] == "lms_app" and len(parts) > 1 and parts[1] not in ("core", "ui")), \
                f"{path.relative_to(APP)} imports {name}"


def test_no_package_imports_another_packages_private_names():
    """A ``_private`` module or name belongs to its package: others use its public names."""
    offenders = []
    for path in APP.rglob("*.py"):
        own = path.relative_to(APP).parts[0]
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "lms_app" or len(parts) < 3 or parts[1] == own:
                continue
            if any(p.startswith("_") and not p.startswith("__") for p in parts[2:]):
                offenders.append(f"{path.relative_to(APP)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_services_do_not_import_reflex():
    offenders = [f"{path.relative_to(APP)}" for path in APP.rglob("services/*.py")
                 if any(n == "reflex" or n.startswith("reflex.") for n in _imports(path))]
    assert not offenders, offenders


def test_app_assembly_names_no_feature():
    names = _imports(APP / "app.py")
    features = [n for n in names if n.split(".")[0] == "lms_app" and len(n.split(".")) > 1
                and n.split(".")[1] in FEATURES]
    assert not features, features


def test_every_builtin_feature_is_a_plugin_module():
    for name in plugins.BUILTIN:
        assert (APP / name / "plugin.py").exists(), name
    registered = {row["name"] for row in plugins.installed()}
    assert set(plugins.BUILTIN) <= registered
