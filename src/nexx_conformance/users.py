"""The users a run created (by the user factory or by a generated case) and their removal.

Every user a test makes is tracked here the moment the target answers 201, with what its
removal will need; `UserRegistry.remove_all` unregisters them when the session ends
(nexx_conformance.user_removal says how each kind of user is reached).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from nexx_conformance.channels import Channel
from nexx_conformance.client import NexxClient
from nexx_conformance.envelope import envelope_of, metadata_of, result_object_of
from nexx_conformance.status import CREATED
from nexx_conformance.user_removal import remove_user

# The contract operations that create a user (contracts/paths/account.yaml). A social
# registration is `register` with `provider` and the connector `token`.
USER_CREATING_OPERATIONS = ("register", "registeranonymous")


def new_password() -> str:
    """A password nobody used yet that fits the contract's rule (8-128, a letter and a digit)."""
    return f"Pw{secrets.token_hex(8)}9x"


@dataclass
class User:
    """A user this run created; the steps keep `password` current when they change it.

    `cid` is the session the registration logged in (anonymous registration, register on
    an AutoAuthorize domain); `needs_authorization` is set while the account waits for the
    link of its authorization mail. Secrets (password, session, connector token) have
    repr=False: a user is named in warnings, its secrets never are.
    """

    username: str | None
    email: str | None
    password: str | None = field(repr=False)
    domain_id: int
    user_id: int | None = None
    cid: str | None = field(default=None, repr=False)
    provider: str | None = None
    connector_token: str | None = field(default=None, repr=False)
    needs_authorization: bool = False
    # The device (nxp_devh) the user registered and logs in on: a login from it is not held
    # for a device code. A test that logs in elsewhere uses a new device hash.
    device: str | None = field(default=None, repr=False)
    # The second factors the user enrolled (an AuthenticatorApp, a SecurityKey): the
    # cleanup completes a held login with them, so such a user is still removed.
    second_factors: list = field(default_factory=list, repr=False)
    # Where its SMS codes go (a login held on an SMS two-factor domain); the cleanup reads
    # the code from the SMS inbox.
    phone: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.username or self.email or f"user #{self.user_id}"

    def form(self, **extra) -> dict:
        """The fields of POST /user/register (the phone only when the user has one)."""
        fields = {"username": self.username, "email": self.email, "password": self.password}
        if self.phone:
            fields["phone"] = self.phone
        return {**fields, **extra}


class UserRegistry:
    """Every user a test created; unregistered at the end of the session."""

    def __init__(self, mailbox: Channel | None = None, sms_inbox: Channel | None = None) -> None:
        self.users: list[User] = []
        # Where authorization and password reset mails arrive: without it, a user that
        # cannot log in with what we know cannot be reached.
        self.mailbox = mailbox
        # Where the SMS codes of a held login arrive (SMS two-factor domains).
        self.sms_inbox = sms_inbox

    def track(self, user: User) -> None:
        self.users.append(user)

    def remove_all(self, client: NexxClient) -> list[str]:
        """Unregister every tracked user; returns what could not be removed, with the reason."""
        leftovers = []
        while self.users:
            user = self.users.pop()
            try:
                reason = remove_user(client, user, self.mailbox, self.sms_inbox)
            except Exception as error:  # noqa: BLE001 - cleanup must reach every user
                reason = type(error).__name__
            if reason is not None:
                leftovers.append(f"{user.name} ({reason})")
        return leftovers


def created_user(case, response, default_domain: int) -> User | None:
    """The user a generated case created, if its answer says it did (201 from an operation
    in USER_CREATING_OPERATIONS), with what removing it needs; no request is sent."""
    operation = case.operation.definition.raw.get("operationId")
    if operation not in USER_CREATING_OPERATIONS or response.status_code != CREATED:
        return None
    form = case.body if isinstance(case.body, dict) else {}
    envelope = envelope_of(response)
    result = result_object_of(envelope)
    logged_in = "loginstate" in result
    return User(
        username=text(form.get("username")),
        email=text(form.get("email")),
        password=text(form.get("password")),
        domain_id=domain_of(case, metadata_of(envelope)) or default_domain,
        user_id=registered_user_id(result),
        cid=text((result.get("general") or {}).get("cid")) if logged_in else None,
        provider=text(form.get("provider")),
        connector_token=text(form.get("token")),
        phone=text(form.get("phone")),
        needs_authorization=not logged_in and result.get("authorized") == 0,
    )


def registered_user_id(result: dict[str, Any]) -> int | None:
    """The new user's id in a registration's result: under `user` when it logged the
    session in (a `loginstate` is given), else at the top."""
    user_id = (result.get("user") or {}).get("ID") if "loginstate" in result else result.get("ID")
    return user_id if isinstance(user_id, int) else None


def domain_of(case, metadata: dict[str, Any]) -> int | None:
    # The case's path names the domain it was sent to; `fordomain` is the server's word.
    for value in ((case.path_parameters or {}).get("domainid"), metadata.get("fordomain")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)
