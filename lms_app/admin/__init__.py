"""The admin console: users, teacher applications, categories, the audit log."""
