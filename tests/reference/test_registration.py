"""Registration internals the scenarios cannot see: what is stored with an account, how an
authorization token expires, and the backend's resendwelcomemail.

The flows themselves (authorize by mail, AutoAuthorize, anonymous registration,
uniqueness) are scenarios: tests/scenarios/test_register_*.py, test_uniqueness.py.
"""

from __future__ import annotations

import hashlib

import pytest

from nexx_conformance.channels import NoMessage
from nexx_conformance.channels.smtp_sink import SmtpSink
from nexx_conformance.client import NexxClient
from nexx_conformance.status import NOT_FOUND, OK
from nexx_reference.storage import Database

from .conftest import ETERNAL_CID, new_account


def authorization_token(api: NexxClient, mailbox: SmtpSink) -> str:
    """Register a new account and return the authorization token its mail carries."""
    account = new_account("reg")
    api.init().post("user/register", **account)
    return mailbox.wait_for(account["email"], "authorize").token


def test_expired_authorize_token_is_404_like_an_unknown_one(
    api: NexxClient, mailbox: SmtpSink, storage: Database
) -> None:
    token = authorization_token(api, mailbox)
    with storage.write() as db:  # the storage: a scenario cannot age a token
        db.execute(
            "UPDATE mail_tokens SET expires = expires - 25 * 3600 WHERE token_hash = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        )
    expired = api.init().post(f"user/authorize/{token}")
    unknown = api.init().post("user/authorize/" + "A" * 43)
    assert expired.status == unknown.status == NOT_FOUND
    assert expired.errorhint == unknown.errorhint


def test_authorize_token_is_unknown_in_another_domain_and_stays_usable(
    api: NexxClient, auto_api: NexxClient, mailbox: SmtpSink
) -> None:
    token = authorization_token(api, mailbox)
    foreign = auto_api.init().post(f"user/authorize/{token}")
    unknown = api.init().post("user/authorize/" + "A" * 43)
    assert foreign.status == NOT_FOUND and foreign.errorhint == unknown.errorhint
    assert api.init().post(f"user/authorize/{token}").status == OK


def test_extra_registration_fields_are_stored(api: NexxClient, storage: Database) -> None:
    extras = {
        "vouchercode": "V-1",
        "affiliatepartner": "partner",
        "affiliateparam": "p1",
        "paymentRegistrationService": "svc",
        "connectedForm": 7,
    }
    user_id = api.init().post("user/register", **new_account("reg"), **extras).fields["ID"]
    with storage.read() as db:  # the storage, not the API
        row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    assert (
        row["vouchercode"],
        row["affiliatepartner"],
        row["affiliateparam"],
        row["paymentregistrationservice"],
        row["connectedform"],
    ) == ("V-1", "partner", "p1", "svc", 7)
    assert row["password_hash"].startswith("$argon2id$")


def test_resendwelcomemail_resends_a_still_valid_authorize_mail(
    api: NexxClient, mailbox: SmtpSink
) -> None:
    account = new_account("reg")
    user_id = api.init().post("user/register", **account).fields["ID"]
    mailbox.wait_for(account["email"], "authorize")
    answer = api.session(ETERNAL_CID).post("user/resendwelcomemail", forUserID=user_id)
    assert answer.status == OK
    assert answer.result == {"status": "mailed", "mailtype": "authorize"}
    resent = mailbox.wait_for(account["email"], "authorize")
    with pytest.raises(NoMessage):  # two mails in all, the first and the one resent
        mailbox.wait_for(account["email"], "authorize", timeout=0)
    assert api.init().post(f"user/authorize/{resent.token}").status == OK
