"""Business rules as plain Python (no Reflex import): the UI, API and tests all call these."""
