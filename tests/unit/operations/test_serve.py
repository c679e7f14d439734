"""``python -m lms_app.serve`` (the container's command): serves the frontend exported at image
build time from a writable runtime folder, so the project folder can be read-only, and refuses
to start without an export instead of building one."""

from __future__ import annotations

import os
import stat

import pytest

from lms_app import serve


def _export(project):
    client = project / ".web" / "build" / "client"
    client.mkdir(parents=True)
    (client / "index.html").write_text("<html></html>")
    (project / ".web" / "backend").mkdir(parents=True)
    (project / ".web" / "backend" / "upload_is_used").write_text("")
    (project / "rxconfig.py").write_text("")


def test_runtime_web_dir_links_the_export_and_copies_the_markers(tmp_path):
    project, runtime = tmp_path / "app", tmp_path / "runtime"
    _export(project)
    # The project is read-only, as in `docker run --read-only`.
    for path in sorted(project.rglob("*"), reverse=True):
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        web = serve.runtime_web_dir(project, runtime)
        assert (web / "build").is_symlink()
        assert (web / "build" / "client" / "index.html").read_text() == "<html></html>"
        assert (web / "backend" / "upload_is_used").exists()
        (web / "backend" / "upload_is_used").touch()  # Reflex touches it at start: writable here
        # A second start (container restart with a persistent /tmp) reuses the folder.
        assert serve.runtime_web_dir(project, runtime) == web
        assert os.readlink(web / "build") == str((project / ".web" / "build").resolve())
    finally:
        for path in project.rglob("*"):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_runtime_web_dir_replaces_a_stale_build(tmp_path):
    project, runtime = tmp_path / "app", tmp_path / "runtime"
    _export(project)
    (runtime / "web" / "build").mkdir(parents=True)  # e.g. left by an older image
    web = serve.runtime_web_dir(project, runtime)
    assert (web / "build").is_symlink()


def test_refuses_to_start_without_an_exported_frontend(tmp_path, monkeypatch, capsys):
    (tmp_path / "rxconfig.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert serve.main(["--no-prepare"]) == 2
    assert "No exported frontend" in capsys.readouterr().err


def test_refuses_to_start_outside_the_project(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert serve.main(["--no-prepare"]) == 2
    assert "rxconfig.py" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--port", "not-a-port"]])
def test_bad_port_is_an_argument_error(argv):
    with pytest.raises(SystemExit):
        serve.main(argv)
