"""HTTP routes mounted beside Reflex's websocket (cookies, private files, later webhooks)."""
