"""What every feature shares and no feature owns: settings, database, sessions and the guard, errors, money,
Markdown, events, the lesson-type registry, courses and users tables, and the plugin API (hookspecs, plugin_api,
plugins). Imports no feature package."""
