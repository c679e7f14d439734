"""Paging for the admin lists, written once: page numbers (users, audit log) and keyset pages
(orders, learner reviews). Both handlers of each mixin are admin-only, like the pages using them.

A state using ``AdminPageNumbers`` defines ``_fetch()`` (reads ``self.page``, sets ``rows``,
``page`` and ``pages``). A state using ``AdminKeysetPages`` defines ``_page(cursor)`` returning
(rows, id of the next older page or 0); ``_fetch(cursor)`` stores them.
"""

from __future__ import annotations

import reflex as rx

from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.guard import guarded


class AdminPageNumbers(rx.State, mixin=True):
    page: int = 1
    pages: int = 1

    async def _fetch(self):
        raise NotImplementedError

    @rx.event
    @guarded(ADMIN_AREA)
    async def next_page(self):
        if self.page < self.pages:
            self.page += 1
            await self._fetch()

    @rx.event
    @guarded(ADMIN_AREA)
    async def prev_page(self):
        if self.page > 1:
            self.page -= 1
            await self._fetch()


class AdminKeysetPages(rx.State, mixin=True):
    # The id the next (older) page starts before (0: no older rows), and whether this is page one.
    older_than: int = 0
    first_page: bool = True
    loaded: bool = False
    _cursor: int = 0

    async def _page(self, cursor: int) -> tuple[list, int]:
        raise NotImplementedError

    async def _fetch(self, cursor: int) -> None:
        self.rows, self.older_than = await self._page(cursor)
        self._cursor, self.first_page, self.loaded = cursor, cursor == 0, True

    @rx.event
    @guarded(ADMIN_AREA)
    async def older(self):
        if self.older_than:
            await self._fetch(self.older_than)

    @rx.event
    @guarded(ADMIN_AREA)
    async def newest(self):
        await self._fetch(0)
