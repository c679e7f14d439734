"""Bundles: several of one teacher's courses sold together at one price."""
