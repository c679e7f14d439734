"""The hook reference in docs/extending.md is generated from the hook specifications: every hook
has a docstring, and the document says what the code says."""

from __future__ import annotations

from pathlib import Path

from lms_app.core import hook_reference, hookspecs, plugins

DOC = Path(__file__).resolve().parents[3] / "docs" / "extending.md"


def test_every_hook_is_documented():
    hooks = hook_reference.hook_functions()
    assert len(hooks) >= 12
    undocumented = [fn.__name__ for fn in hooks if len((fn.__doc__ or "").strip()) < 40]
    assert undocumented == [], f"hooks without a docstring: {undocumented}"


def test_every_hook_of_the_manager_is_in_the_reference():
    specified = {name for name in dir(plugins.hook()) if name.startswith("lms_")}
    assert specified == {fn.__name__ for fn in hook_reference.hook_functions()}
    assert hookspecs.PROJECT == "lms"


def test_the_extending_guide_carries_the_current_reference():
    text = DOC.read_text()
    assert hook_reference.render() in text, (
        "docs/extending.md is out of date: run `python -m lms_app.manage hooks-doc`")
