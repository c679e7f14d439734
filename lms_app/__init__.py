"""Lumen Learning: a small core (``core``, ``ui``) and one package per feature, assembled in ``app.py`` from plugins."""
