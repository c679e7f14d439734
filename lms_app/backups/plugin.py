"""Backups: the LMS_BACKUP_DIR / LMS_BACKUP_KEEP settings and the daily "backup" job."""

from __future__ import annotations

from pathlib import Path

from lms_app.core.plugin_api import PluginSetting, ScheduledJob, hookimpl


def _keep(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 1000:
        raise ValueError("must be between 1 and 1000")
    return value


@hookimpl
def lms_settings():
    return [PluginSetting("LMS_BACKUP_DIR", None, lambda raw: Path(raw).expanduser().resolve(),
                          "folder for the daily backup archives; empty: no scheduled backups "
                          "(manage backup --to DIR still works)"),
            PluginSetting("LMS_BACKUP_KEEP", 7, _keep, "how many daily archives to keep (oldest deleted first)")]


def run_scheduled_backup(session, settings) -> int:
    """One archive into LMS_BACKUP_DIR, then the oldest beyond LMS_BACKUP_KEEP deleted.

    Off (0 archives) until LMS_BACKUP_DIR is set: a laptop demo should not fill its disk."""
    from lms_app.backups import services
    from lms_app.core import plugins

    folder = plugins.setting("LMS_BACKUP_DIR")
    if folder is None:
        return 0
    services.create_backup(settings, folder)
    services.prune(folder, plugins.setting("LMS_BACKUP_KEEP"))
    return 1


@hookimpl
def lms_scheduled_jobs():
    return [ScheduledJob("backup", 24 * 60, run_scheduled_backup,
                         help="Back up the database and stored files into LMS_BACKUP_DIR, keeping LMS_BACKUP_KEEP.")]
