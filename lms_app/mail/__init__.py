"""E-mail: SMTP settings, Jinja2 templates (HTML + plain text), a delivery log per message, sending in
a job, and the /admin/mail outbox used when no SMTP server is configured (development, the demo).

A package of its own rather than part of ``jobs``: mail is one client of the queue (notifications,
webhooks will be others), and its settings, templates and pages belong together."""
