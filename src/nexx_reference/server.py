"""Running the reference server: in a background thread (suite, tests) or in the foreground (CLI)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Self

import uvicorn

from .app import create_app
from .domain.users import login_names
from .settings import Settings

STARTUP_TIMEOUT = 10.0


class ServerError(Exception):
    """The server cannot start (port taken, database unusable, contract unreadable)."""


def bind_socket(host: str, port: int) -> socket.socket:
    """Listen on host:port (0 = a free port) before uvicorn starts, so a taken port is
    one clear error here rather than a log line and an exit deep inside uvicorn."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when
    # the listening socket names its protocol; without it every kept-alive request waits
    # for Nagle's delayed ACK (about 40 ms).
    sock = socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def uvicorn_server(settings: Settings) -> uvicorn.Server:
    # No access log: paths carry tokens (/user/authorize/{token}), and tokens are never logged.
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        access_log=False,
        lifespan="on",
        server_header=False,
    )
    return uvicorn.Server(config)


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v3.1"


class RunningServer:
    """A reference server in a background thread; `stop()` (or leaving `with`) ends it."""

    def __init__(self, settings: Settings) -> None:
        self._sock = bind_socket(settings.host, settings.port)
        self.port = self._sock.getsockname()[1]
        self.base_url = base_url(settings.host, self.port)
        try:
            self._server = uvicorn_server(settings)
        except Exception:
            self._sock.close()
            raise
        self._thread = threading.Thread(
            target=self._run, name=f"nexx-reference-{self.port}", daemon=True
        )
        self._failure: BaseException | None = None

    @property
    def app(self):  # the Starlette app, e.g. for a test that inspects its storage
        return self._server.config.app

    def users(self) -> list[str]:
        """Every user in the store (`domain:username-or-email`): what a run left behind."""
        with self.app.state.services.db.read() as db:
            return login_names(db)

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._sock]))
        except Exception as exc:  # noqa: BLE001 - start() reports it to the starting thread
            self._failure = exc

    def start(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"reference server did not start: {self._failure or 'timeout'}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STARTUP_TIMEOUT)
        self._sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_in_thread(settings: Settings) -> RunningServer:
    """Start a server on settings.port (0 = a free loopback port) and return once it accepts connections."""
    return RunningServer(settings).start()
