"""A minimal client of Reflex's websocket protocol, for load scripts (no browser, no JavaScript).

What the compiled frontend (``reflex_base/.templates/web/utils/state.js``) does, over Engine.IO v4
/ Socket.IO v5 on the ``/_event`` endpoint, websocket transport only:

1. ``GET /_event/?EIO=4&transport=websocket&token=<client token>`` upgraded to a websocket, with
   the browser's headers (``Cookie: lms_session=...`` is what the app's guard reads) and the
   Reflex version as subprotocol; the server opens with ``0{"sid":..,"pingInterval":..}``.
2. Socket.IO CONNECT to namespace ``/_event`` whose auth carries the hydrate event:
   ``40/_event,{"event": {"name": "<root>.hydrate_and_load", "payload": {}, "router_data": {...}}}``.
3. Events: ``42/_event,["event", {"name": "<state full name>.<handler>", "payload": {...},
   "router_data": {"pathname": .., "asPath": .., "query": {..}}}]``.
4. Updates: ``42/_event,["event", {"delta": {<state>: {<var>: value}}, "events": [...]}]``. Backend
   events in ``events`` (on_load handlers) are sent back, as the frontend's queueEvents does;
   client-side ones (``_call_script``, ``_call_function``: toasts, redirects) are only recorded.
5. Engine.IO pings (``2``) are answered with pongs (``3``).

Uses simple_websocket's asyncio client (``simple_websocket.AioClient``, already a dependency of
python-engineio). It does not offer permessage-deflate, so frame sizes are the uncompressed JSON.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from simple_websocket import AioClient

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"


@dataclass
class Frame:
    at: float  # time.perf_counter() when it arrived
    size: int  # bytes of the websocket text frame (UTF-8)
    update: dict  # the decoded StateUpdate: {"delta": .., "events": ..}


@dataclass
class ReflexSocket:
    base_url: str
    path: str  # page path, e.g. /learn/course-slug/12
    query: dict
    cookie: str | None = None
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    subprotocol: str | None = None
    ws: AioClient | None = None
    frames: asyncio.Queue = field(default_factory=asyncio.Queue)
    sent_bytes: int = 0
    backend_events_sent: int = 0
    client_events: list = field(default_factory=list)
    client_payloads: list = field(default_factory=list)  # (name, payload) of each client-side event
    closed: str | None = None
    _reader: asyncio.Task | None = None
    _connected: asyncio.Future | None = None

    def router_data(self) -> dict:
        data = {"pathname": self.path, "asPath": self.path}
        if self.query:
            data["query"] = dict(self.query)
        return data

    async def connect(self, timeout: float = 30.0, hydrate: bool = True) -> None:
        """Open the socket; ``hydrate=False`` connects without the hydrate event (a browser always
        sends it: tests use this to see the tab state another worker left in Redis, untouched)."""
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        url = f"{scheme}://{parts.netloc}{NAMESPACE}/?EIO=4&transport=websocket&token={self.token}"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}", "User-Agent": "lms-bench/1.0"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await asyncio.wait_for(
            AioClient.connect(url, subprotocols=[self.subprotocol] if self.subprotocol else None, headers=headers,
                              receive_bytes=65536), timeout)
        # The server's first message often arrives in the same TCP read as the handshake
        # response; simple_websocket leaves it in wsproto's buffer until more bytes arrive (the
        # next ping, 25 s later). Process what is buffered now.
        await self.ws._handle_events()
        opening = await asyncio.wait_for(self.ws.receive(), timeout)
        if not isinstance(opening, str) or not opening.startswith("0"):
            raise ConnectionError(f"unexpected Engine.IO open packet: {opening!r}")
        self._connected = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        auth = {"event": {"name": f"{ROOT_STATE}.hydrate_and_load", "payload": {}, "router_data": self.router_data()}}
        await self._send_raw(f"40{NAMESPACE}," + json.dumps(auth, separators=(",", ":")) if hydrate else f"40{NAMESPACE},")
        await asyncio.wait_for(self._connected, timeout)

    async def emit(self, name: str, payload: dict | None = None) -> float:
        """Send one event; returns time.perf_counter() just before the frame was written."""
        event = {"name": name, "payload": payload or {}, "router_data": self.router_data()}
        t = time.perf_counter()
        await self._send_raw(f"42{NAMESPACE}," + json.dumps(["event", event], separators=(",", ":")))
        return t

    async def _send_raw(self, text: str) -> None:
        self.sent_bytes += len(text.encode())
        await self.ws.send(text)

    async def _read(self) -> None:
        prefix_event = f"42{NAMESPACE},"
        prefix_connect = f"40{NAMESPACE},"
        prefix_error = f"44{NAMESPACE},"
        try:
            while True:
                msg = await self.ws.receive()
                if msg is None:
                    continue
                now = time.perf_counter()
                if not isinstance(msg, str):
                    continue
                if msg == "2":
                    await self.ws.send("3")
                elif msg.startswith(prefix_event):
                    name, *args = json.loads(msg[len(prefix_event):])
                    if name == "event" and args:
                        update = args[0]
                        await self.frames.put(Frame(at=now, size=len(msg.encode()), update=update))
                        await self._follow(update.get("events") or [])
                    # other socket events (new_token, state mismatch, pong) are ignored
                elif msg.startswith(prefix_connect):
                    if not self._connected.done():
                        self._connected.set_result(True)
                elif msg.startswith(prefix_error):
                    if not self._connected.done():
                        self._connected.set_exception(ConnectionError(f"connect refused: {msg}"))
                elif msg.startswith("1") or msg.startswith(f"41{NAMESPACE}"):
                    raise ConnectionError(f"closed by server: {msg!r}")
        except Exception as exc:  # noqa: BLE001 - recorded, the caller decides
            self.closed = f"{type(exc).__name__}: {exc}"
            if self._connected and not self._connected.done():
                self._connected.set_exception(ConnectionError(self.closed))
            await self.frames.put(None)

    async def _follow(self, events: list) -> None:
        """Backend events the server asks the frontend to queue are sent back, as queueEvents does."""
        for ev in events:
            name = ev.get("name", "") if isinstance(ev, dict) else ""
            if name.startswith(ROOT_STATE + "."):
                await self.emit(name, ev.get("payload") or {})
                self.backend_events_sent += 1
            else:
                self.client_events.append(name)
                self.client_payloads.append((name, ev.get("payload") if isinstance(ev, dict) else None))

    async def next_frame(self, timeout: float) -> Frame | None:
        try:
            frame = await asyncio.wait_for(self.frames.get(), timeout)
        except asyncio.TimeoutError:
            return None
        if frame is None:
            raise ConnectionError(self.closed or "connection closed")
        return frame

    async def drain(self, quiet: float) -> list[Frame]:
        """Every frame that arrives until nothing has arrived for ``quiet`` seconds."""
        out = []
        while (frame := await self.next_frame(quiet)) is not None:
            out.append(frame)
        return out

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        try:
            if self.ws and self.ws.connected:
                await self.ws.send(f"41{NAMESPACE},")
                await self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def reflex_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("reflex")
    except Exception:  # noqa: BLE001
        return None
