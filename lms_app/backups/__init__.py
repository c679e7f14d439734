"""Backups: ``manage backup`` / ``manage restore`` and a daily backup job with retention."""
