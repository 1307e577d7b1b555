"""SMS channel: an HTTP sink receiving POST /sms {"to", "text", "domain"} from the server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from nexx_conformance.channels import Inbox, Message
from nexx_conformance.channels.ports import ensure_port_free, free_port

SMS_PATH = "/sms"
SMS_KIND = "sms"
# How often serve_forever looks for a shutdown request: the stop waits up to this long
# (the default 0.5 s was paid at the end of every run and selftest).
POLL_SECONDS = 0.02


def _handler_for(inbox: Inbox) -> type[BaseHTTPRequestHandler]:
    class SmsHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
                recipient, text = str(payload["to"]), str(payload["text"])
            except (ValueError, KeyError, TypeError):
                self._answer(400, b'{"error": "expected JSON {to, text, domain}"}')
                return
            if self.path.split("?")[0] != SMS_PATH:
                self._answer(404, b'{"error": "post to /sms"}')
                return
            inbox.deliver(Message(recipient=recipient, kind=SMS_KIND, text=text))
            self._answer(200, b'{"status": "received"}')

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            # The SMS text carries a code: keep it out of the test output.
            pass

    return SmsHandler


class SmsWebhookSink:
    """Receives SMS as webhook POSTs; `wait_for(phone)` gives the next one."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        ensure_port_free(host, self.port, "the SMS webhook sink")
        self.inbox = Inbox("SMS inbox")
        self._server = ThreadingHTTPServer((host, self.port), _handler_for(self.inbox))
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_SECONDS,), name="sms-sink", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{SMS_PATH}"

    def wait_for(self, recipient: str, kind: str | None = None, timeout: float = 10.0) -> Message:
        return self.inbox.wait_for(recipient, kind, timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
