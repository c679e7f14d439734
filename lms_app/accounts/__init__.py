"""Accounts: registration, sign-in and the session cookie hand-over, profile, passwords, throttling."""
