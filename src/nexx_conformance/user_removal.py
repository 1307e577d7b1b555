"""How a user this run created is reached and unregistered when the run ends.

Cheapest way first:
  1. the session its registration logged in, while that session is still this user's;
  2. a login with what its test knew (the password, or the social connector token), from
     the user's own device: a device that passed a second factor is not held again;
  3. with a mailbox: the link of its authorization mail (an account whose mail was never
     confirmed cannot log in), else a password reset by mail (its test changed the
     password, or an anonymous account never had one); then a new login.
A login that is still held is completed with the user's second factors (held_login.py:
an app code, a security key's assertion, an SMS code from the SMS inbox).
A user the target no longer knows (its test unregistered it) needs nothing; that is
asked before any mail is waited for, and also without a mailbox.
Passwords and tokens are sent, never shown: a reason names statuses, not values.
"""

from __future__ import annotations

from urllib.parse import quote

from nexx_conformance.channels import Channel, NoMessage
from nexx_conformance.client import NexxClient, Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.held_login import completed, forget_old_texts, status_of
from nexx_conformance.status import ACCEPTED, OK

# The authorization mail left while the registration was answered; Mailpit may lag a little.
AUTHORIZE_MAIL_WAIT = 5.0
# requestpass mails after answering (so its timing reveals nothing).
RESET_MAIL_WAIT = 10.0
NO_MAILBOX = "cannot log in: removed or re-passworded by its test, or never authorized"


def remove_user(client: NexxClient, user, mailbox: Channel | None,
                sms_inbox: Channel | None = None) -> str | None:
    """Unregister `user` (a nexx_conformance.users.User); None once it is gone, else why not."""
    domain = client.for_domain(user.domain_id)
    if user.cid and unregistered_through_own_session(domain.session(user.cid), user):
        return None
    session = domain.init(nxp_devh=user.device) if user.device else domain.init()
    forget_old_texts(user, sms_inbox)
    login = log_in(session, user)
    if login is not None and login.status in (OK, ACCEPTED):
        reason = logged_in(session, user, login, sms_inbox)
    elif not still_registered(session, user):
        # Gone already (its own test or case unregistered it): nothing to do, mailbox or not.
        return None
    elif mailbox is None:
        reason = NO_MAILBOX
    else:
        reason = log_in_by_mail(session, user, mailbox, sms_inbox)
    if reason is not None:
        return reason
    answer = session.delete("user/unregister")
    return None if answer.ok else f"unregister answered {status_of(answer)}"


def unregistered_through_own_session(session: Session, user) -> bool:
    # The session may since have logged out, or in as another user (a second anonymous
    # registration on the same session): only this user's own session may unregister it.
    profile = session.get("user/profile")
    if profile.status != OK or not isinstance(profile.result, dict):
        return False
    if user.user_id is not None:
        mine = profile.result.get("ID") == user.user_id
    else:
        mine = same_text(profile.result.get("email"), user.email)
    return mine and session.delete("user/unregister").ok


def log_in(session: Session, user) -> ApiResponse | None:
    """The answer to a login with what the test knew; None when it knew nothing to log in with."""
    answer = None
    if user.password and (user.username or user.email):
        answer = session.login(user.username or user.email, user.password)
        if answer.status in (OK, ACCEPTED):  # held: the password was right
            return answer
    if user.provider and user.connector_token:
        answer = session.post("session/login", provider=user.provider, token=user.connector_token)
    return answer


def still_registered(session: Session, user) -> bool:
    name = user.email or user.username
    if not name:
        return True
    answer = session.post(f"user/verifyaccountdetailsunique/{quote(name, safe='@')}")
    free = answer.status == OK and isinstance(answer.result, dict) and answer.result.get("unique") == 1
    return not free


def log_in_by_mail(session: Session, user, mailbox: Channel, sms_inbox: Channel | None = None) -> str | None:
    """Logs `session` in through the mailbox; None on success, else why it failed."""
    if not user.email:
        return "cannot log in, and has no email address to reach it by mail"
    wait = AUTHORIZE_MAIL_WAIT if user.needs_authorization else 0.0
    if authorized_by_mail(session, user.email, mailbox, wait):
        user.needs_authorization = False
        login = log_in(session, user)
        if login is not None and login.status in (OK, ACCEPTED):
            return logged_in(session, user, login, sms_inbox)
    elif user.needs_authorization:
        return "never authorized, and no usable authorization mail arrived"
    # users imports this module (UserRegistry.remove_all): imported here, not at the top.
    from nexx_conformance.users import new_password

    password = new_password()
    if not reset_by_mail(session, user.email, mailbox, password):
        return "cannot log in, and no usable password reset mail arrived"
    user.password = password
    login = session.login(user.email, password)
    if login.status in (OK, ACCEPTED):
        return logged_in(session, user, login, sms_inbox)
    return f"login after a password reset answered {status_of(login)}"


def logged_in(session: Session, user, login: ApiResponse, sms_inbox: Channel | None) -> str | None:
    """None when `login` logged the session in, completing it if it is held; else why not."""
    return completed(session, user, login, sms_inbox) if login.status == ACCEPTED else None


def authorized_by_mail(session: Session, email: str, mailbox: Channel, wait: float) -> bool:
    token = mailed_token(mailbox, email, "authorize", wait)
    return token is not None and session.post(f"user/authorize/{token}").ok


def reset_by_mail(session: Session, email: str, mailbox: Channel, password: str) -> bool:
    if not session.get("user/requestpass", token=email).ok:
        return False
    token = mailed_token(mailbox, email, "resetpassword", RESET_MAIL_WAIT)
    return token is not None and session.post(f"user/resetpassword/{token}", newpassword=password).ok


def mailed_token(mailbox: Channel, email: str, kind: str, wait: float) -> str | None:
    try:
        return mailbox.wait_for(email, kind, timeout=wait).token
    except NoMessage:
        return None


def same_text(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()
