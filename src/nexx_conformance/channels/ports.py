"""Loopback ports for the channel sinks: pick a free one, or refuse a taken one clearly."""

from __future__ import annotations

import socket


class SinkError(RuntimeError):
    """The sink could not listen where it was asked to."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def ensure_port_free(host: str, port: int, what: str) -> None:
    # Checked before the sink starts, so the error names the sink and the address
    # rather than being a bare OSError from deep inside aiosmtpd or http.server.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the sinks themselves bind (asyncio and http.server set SO_REUSEADDR): the
        # TIME-WAIT sockets of the previous run on a fixed port must not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SinkError(f"{what} cannot listen on {host}:{port}: {error.strerror}") from None
