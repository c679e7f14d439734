"""The community fixtures live in tests/community_support.py (unit and state tests share them)."""

from tests.community_support import jobs_queue, world  # noqa: F401  (fixtures)
