"""Registration with AutoAuthorize off (authorize mail) and on (logged in), uniqueness,
anonymous registration and the backend's resendwelcomemail."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from .conftest import ETERNAL_CID, Api, Mailbox, unique_name


def new_account(prefix: str = "reg") -> dict[str, str]:
    name = unique_name(prefix)
    return {"username": name, "email": f"{name}@example.org", "password": "correct-horse-7"}


def test_without_autoauthorize_the_account_waits_for_the_mailed_token(api: Api, mailbox: Mailbox) -> None:
    account = new_account()
    cid = api.new_session()
    response = api.call("POST", "user/register", cid, data=account)
    assert response.status_code == HTTPStatus.CREATED
    result = response.json()["result"]
    assert result["status"] == "registered" and result["authorized"] == 0

    step = "login before authorization is refused"
    login = api.call("POST", "session/login", cid, data={"username": account["username"], "password": account["password"]})
    assert login.status_code == HTTPStatus.FORBIDDEN, step
    assert "not authorized" in login.json()["metadata"]["errorhint"], step

    step = "the authorize mail arrives over SMTP with a link"
    mail = mailbox.wait_for(account["email"], "authorize")
    token = mail.token()
    assert mail.text.count(f"https://localhost/authorize/{token}") == 1, step

    authorized = api.call("POST", f"user/authorize/{token}", api.new_session())
    assert authorized.status_code == HTTPStatus.OK
    assert authorized.json()["result"] == {"ID": result["ID"], "status": "authorized", "authorized": 1}

    login = api.call("POST", "session/login", cid, data={"username": account["username"], "password": account["password"]})
    assert login.status_code == HTTPStatus.OK


def test_reused_authorize_token_is_409(api: Api, mailbox: Mailbox) -> None:
    account = new_account()
    api.call("POST", "user/register", api.new_session(), data=account)
    token = mailbox.wait_for(account["email"], "authorize").token()
    assert api.call("POST", f"user/authorize/{token}", api.new_session()).status_code == HTTPStatus.OK
    again = api.call("POST", f"user/authorize/{token}", api.new_session())
    assert again.status_code == HTTPStatus.CONFLICT
    assert "already used" in again.json()["metadata"]["errorhint"]


def test_unknown_authorize_token_is_404(api: Api) -> None:
    response = api.call("POST", "user/authorize/" + "A" * 43, api.new_session())
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_with_autoauthorize_the_session_is_logged_in(auto_api: Api, mailbox: Mailbox) -> None:
    account = new_account()
    cid = auto_api.new_session()
    response = auto_api.call("POST", "user/register", cid, data={**account, "firstname": "Alice", "newsletter": 1})
    assert response.status_code == HTTPStatus.CREATED
    result = response.json()["result"]
    assert result["loginstate"] == "logged-in"
    assert result["user"]["username"] == account["username"]
    assert result["user"]["firstname"] == "Alice" and result["user"]["newsletter"] == 1
    assert mailbox.wait_for(account["email"], "welcome")
    assert auto_api.call("GET", "user/profile", cid).status_code == HTTPStatus.OK


@pytest.mark.parametrize("flag, status, mail", [
    pytest.param("skipLogin", "registered", "welcome", id="skipLogin-returns-itemupdate"),
    pytest.param("isPreRegister", "preregistered", "preregister", id="isPreRegister-mails-preregister"),
])
def test_flags_keep_the_session_anonymous(auto_api: Api, mailbox: Mailbox, flag: str, status: str, mail: str) -> None:
    account = new_account()
    cid = auto_api.new_session()
    response = auto_api.call("POST", "user/register", cid, data={**account, flag: 1})
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["result"]["status"] == status
    assert response.json()["result"]["authorized"] == 1
    assert mailbox.wait_for(account["email"], mail)
    assert auto_api.call("GET", "user/profile", cid).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("field", ["username", "email"])
def test_taken_username_or_email_is_409(api: Api, field: str) -> None:
    first = new_account()
    assert api.call("POST", "user/register", api.new_session(), data=first).status_code == HTTPStatus.CREATED
    second = {**new_account(), field: first[field].upper() if field == "email" else first[field]}
    response = api.call("POST", "user/register", api.new_session(), data=second)
    assert response.status_code == HTTPStatus.CONFLICT
    assert field.replace("email", "email address") in response.json()["metadata"]["errorhint"]


def test_connector_token_is_unique_per_provider(api: Api) -> None:
    social = {"provider": "facebook", "token": "fb.token-" + unique_name()}
    first = api.call("POST", "user/register", api.new_session(), data={**new_account(), **social})
    assert first.status_code == HTTPStatus.CREATED
    again = api.call("POST", "user/register", api.new_session(), data={**new_account(), **social})
    assert again.status_code == HTTPStatus.CONFLICT
    other_provider = api.call("POST", "user/register", api.new_session(),
                              data={**new_account(), **social, "provider": "google"})
    assert other_provider.status_code == HTTPStatus.CREATED


def test_uniqueness_checks_tell_taken_from_free(api: Api) -> None:
    account = new_account()
    cid = api.new_session()
    api.call("POST", "user/register", cid, data={**account, "provider": "google", "token": "g.tok-" + account["username"]})
    assert api.call("POST", f"user/verifyaccountdetailsunique/{account['username']}", cid).json()["result"] == \
        {"field": "username", "unique": 0}
    assert api.call("POST", f"user/verifyaccountdetailsunique/{account['email']}", cid).json()["result"] == \
        {"field": "email", "unique": 0}
    assert api.call("POST", "user/verifyaccountdetailsunique/free_name_xyz", cid).json()["result"]["unique"] == 1
    taken = api.call("POST", f"user/verifytokenunique/g.tok-{account['username']}", cid, data={"provider": "google"})
    assert taken.json()["result"] == {"field": "token", "unique": 0, "provider": "google"}


def test_registeranonymous_logs_in_a_user_without_username(api: Api) -> None:
    email = unique_name("anon") + "@example.org"
    cid = api.new_session()
    response = api.call("POST", "user/registeranonymous", cid, data={"email": email})
    assert response.status_code == HTTPStatus.CREATED
    user = response.json()["result"]["user"]
    assert user["isanonymous"] == 1 and user["email"] == email and "username" not in user
    again = api.call("POST", "user/registeranonymous", api.new_session(), data={"email": email})
    assert again.status_code == HTTPStatus.CONFLICT


def test_registeranonymous_refuses_a_username(api: Api) -> None:
    response = api.call("POST", "user/registeranonymous", api.new_session(),
                        data={"email": "anon-x@example.org", "username": "anon_x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["metadata"]["errorhint"] == "parameter 'username' is not allowed here"


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
