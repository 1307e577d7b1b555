"""Registration internals the scenarios cannot see: what is stored with an account, how an
authorization token expires, and the backend's resendwelcomemail.

The flows themselves (authorize by mail, AutoAuthorize, anonymous registration,
uniqueness) are scenarios: tests/scenarios/test_register_*.py, test_uniqueness.py.
"""

from __future__ import annotations

import hashlib
from http import HTTPStatus

from .conftest import ETERNAL_CID, Api, Mailbox, unique_name


def new_account(prefix: str = "reg") -> dict[str, str]:
    name = unique_name(prefix)
    return {"username": name, "email": f"{name}@example.org", "password": "correct-horse-7"}


def test_expired_authorize_token_is_404_like_an_unknown_one(api: Api, mailbox: Mailbox, server) -> None:
    account = new_account()
    api.call("POST", "user/register", api.new_session(), data=account)
    token = mailbox.wait_for(account["email"], "authorize").token()
    with server.app.state.services.db.write() as db:  # the storage: a scenario cannot age a token
        db.execute("UPDATE mail_tokens SET expires = expires - 25 * 3600 WHERE token_hash = ?",
                   (hashlib.sha256(token.encode()).hexdigest(),))
    expired = api.call("POST", f"user/authorize/{token}", api.new_session())
    unknown = api.call("POST", "user/authorize/" + "A" * 43, api.new_session())
    assert expired.status_code == unknown.status_code == HTTPStatus.NOT_FOUND
    assert expired.json()["metadata"]["errorhint"] == unknown.json()["metadata"]["errorhint"]


def test_extra_registration_fields_are_stored(api: Api, server) -> None:
    extras = {"vouchercode": "V-1", "affiliatepartner": "partner", "affiliateparam": "p1",
              "paymentRegistrationService": "svc", "connectedForm": 7}
    response = api.call("POST", "user/register", api.new_session(), data={**new_account(), **extras})
    user_id = response.json()["result"]["ID"]
    with server.app.state.services.db.read() as db:  # the storage, not the API
        row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    assert (row["vouchercode"], row["affiliatepartner"], row["affiliateparam"],
            row["paymentregistrationservice"], row["connectedform"]) == ("V-1", "partner", "p1", "svc", 7)
    assert row["password_hash"].startswith("$argon2id$")


def test_resendwelcomemail_resends_a_still_valid_authorize_mail(api: Api, mailbox: Mailbox) -> None:
    account = new_account()
    user_id = api.call("POST", "user/register", api.new_session(), data=account).json()["result"]["ID"]
    mailbox.wait_for(account["email"], "authorize")
    response = api.call("POST", "user/resendwelcomemail", ETERNAL_CID, data={"forUserID": user_id})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"] == {"status": "mailed", "mailtype": "authorize"}
    mails = [m for m in mailbox.to(account["email"]) if m.kind == "authorize"]
    assert len(mails) == 2
    assert api.call("POST", f"user/authorize/{mails[1].token()}", api.new_session()).status_code == HTTPStatus.OK
