"""Reusable UI pieces: the layout shell, cards, form helpers."""
