import smtplib
from email.message import EmailMessage

import pytest

from nexx_conformance.channels import NoMessage
from nexx_conformance.channels.smtp_sink import SinkError, SmtpSink

TOKEN = "AbCdEfGhIjKlMnOpQrStUv_-12"


@pytest.fixture
def sink():
    sink = SmtpSink()
    yield sink
    sink.close()


def send(sink, to, kind, text):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "noreply@nexx.test", to, "hello"
    mail["X-Nexx-Mail-Type"] = kind
    mail.set_content(text)
    with smtplib.SMTP(sink.host, sink.port, timeout=5) as smtp:
        smtp.send_message(mail)


def test_real_mail_arrives_with_kind_and_token(sink):
    send(sink, "ann@example.test", "authorize", f"Confirm: https://localhost/authorize/{TOKEN}")
    message = sink.wait_for("ann@example.test", "authorize", timeout=5)
    assert message.kind == "authorize" and message.token == TOKEN


def test_mail_of_another_kind_or_recipient_is_not_taken(sink):
    send(sink, "ann@example.test", "welcome", "Welcome!")
    with pytest.raises(NoMessage, match="no authorize for ann@example.test"):
        sink.wait_for("ann@example.test", "authorize", timeout=0.3)
    with pytest.raises(NoMessage):
        sink.wait_for("bob@example.test", timeout=0.3)
    assert sink.wait_for("ann@example.test", "welcome", timeout=1).token is None


def test_a_message_is_taken_once(sink):
    send(sink, "ann@example.test", "resetpassword", f"https://h/resetpassword/{TOKEN}")
    sink.wait_for("ann@example.test", timeout=5)
    with pytest.raises(NoMessage):
        sink.wait_for("ann@example.test", timeout=0.3)


def test_taken_port_is_a_clear_error(sink):
    with pytest.raises(SinkError, match=f"cannot listen on 127.0.0.1:{sink.port}"):
        SmtpSink(port=sink.port)
