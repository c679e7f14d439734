"""Background jobs: a Huey queue (SQLite file by default, Redis when LMS_REDIS_URL is set), the
worker, periodic jobs from ``lms_scheduled_jobs``, the job-run log and the /admin/jobs page."""
