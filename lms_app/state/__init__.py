"""Shared Reflex states: who is signed in and the handler guard."""
