"""A real backend for the attack tests: the production ASGI stack, served by Granian in this process.

``python -m tests.security.live_server PORT`` builds what ``reflex run`` serves — Reflex's app
(``/_event`` websocket, ``/_upload``, ``/ping``) with our routes and the request guard mounted
through ``api_transformer``, wrapped in Reflex's top-level CORS and context middleware — but
skips compiling the frontend (minutes, and irrelevant to the backend). One process, so its RSS
is the server's memory. It prints ``READY`` when it accepts connections.
"""

from __future__ import annotations

import asyncio
import sys


def build():
    from reflex_components_core.core.upload import Upload

    from lms_app.app import app

    Upload.is_used = True  # the compiled pages use rx.upload; that is what adds /_upload
    app._compile = lambda *args, **kwargs: None  # the frontend is not what is tested here
    asgi = app()
    app._add_optional_endpoints()
    return asgi


async def serve(port: int) -> None:
    from granian.constants import Interfaces
    from granian.server.embed import Server

    server = Server(build(), address="127.0.0.1", port=port, interface=Interfaces.ASGI)
    task = asyncio.create_task(server.serve())
    await asyncio.sleep(0.5)
    print("READY", flush=True)
    await task


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
