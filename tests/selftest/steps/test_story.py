"""Every step that calls the API names itself in the story.

The whole library is walked: each public step is called, with an argument of the type its
signature names, on a fake target that answers every call, and every call it sends is
seen with the named steps open at that moment. A call sent while no step is open would be
missing from a failed test's story (its JUnit and HTML steps, "steps before: ..."). A step
that the walk cannot bring to its first call fails the walk too, unless it is one of the
steps that call nothing (CALL_NOTHING): a new step needs an argument here, or a place in
that list.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from dataclasses import dataclass, field

import httpx
import pytest

from nexx_conformance.authenticators.totp import AuthenticatorApp
from nexx_conformance.channels import Message
from nexx_conformance.client import NexxClient
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.steps import Login, Steps
from nexx_conformance.steps.__main__ import public_steps, signature_of, step_mixins
from nexx_conformance.steps.avs import AvsTransaction
from nexx_conformance.steps.media_lists import Comment, Interacted, MediaItem
from nexx_conformance.steps.second_factors import AppEnrolment
from nexx_conformance.steps.uploads import PICTURE, UploadTicket
from nexx_conformance.users import User

BASE = "https://walk.test/v3.1"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODE = "123456"  # the code of every SMS of the walk's channels
# Values some steps need by their parameter's name: a streamtype or list they know, the
# code they compare with (so a step that asks for a new code when it repeats does ask).
# `action` names an interaction of the contract: a step sends it with the contract's verb.
BY_NAME = {
    "streamtype": "article",
    "list_name": "likes",
    "right": CODE,
    "unlike": CODE,
    "action": "addlike",
}
# What a session init of the walk's fake target answers; every other call gets 200.
INIT = "/session/init"

# The steps that call no operation: they make up values, read the channels, wait, or
# judge an answer they are given. (session() opens a session: plumbing, never a story step.)
CALL_NOTHING = {
    "expect",
    "refused",
    "domain",
    "new_device",
    "session",
    "mail",
    "mailed_token",
    "texted_code",
    "user_details",
    "social_details",
    "connector_token",
    "anonymous_details",
    "token_never_mailed",
    "email_in_other_case",
    "wrong_password",
    "reset_token",
    "expect_logged_in",
    "new_phone",
    "app_from",
    "code_of_another_secret",
    "security_key",
    "assertion",
    "tampered_url",
    "wait_a_second_since",
    "wait_until_rental_expired",
    "let_time_pass",
    "put_clock_back",
    "time_can_pass",
    "wait_until_url_expired",
}


@dataclass
class Walk:
    """The calls one step sent, each with the story's open steps at that moment."""

    open: list[str] = field(default_factory=list)
    calls: list[tuple[str, list[str]]] = field(default_factory=list)

    @contextlib.contextmanager
    def story(self, name: str):
        self.open.append(name)
        try:
            yield
        finally:
            self.open.pop()

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(INIT):
            result = {"general": {"cid": "walk-session-1"}, "loginstate": "anonymous"}
            return httpx.Response(201, json={"metadata": {"status": 201}, "result": result})
        self.calls.append((f"{request.method} {path}", list(self.open)))
        return httpx.Response(200, json={"metadata": {"status": 200}, "result": {}})


class Users:
    name_prefix = "qa_walk_"

    def details(self, domain_id=None) -> User:
        return User("qa_walk_1", "qa_walk_1@example.test", "Pw1walking", domain_id or 4711)

    def track(self, user: User) -> User:
        return user


class Domains:
    def require(self, purpose: str) -> int:
        return 4711


class Target:
    time_passes = False
    issues_real_secrets = True
    moves_clock = False

    def authenticator_app(self, uri: str) -> AuthenticatorApp:
        return AuthenticatorApp.from_uri(uri)

    def security_key(self) -> Key:
        return Key()

    def turn_clock_forward(self, seconds: float) -> None:
        raise AssertionError("the walk's target has no clock to turn")

    def put_clock_back(self) -> None:
        pass


class Channel:
    def wait_for(self, recipient, kind=None, timeout=10.0) -> Message:
        return Message(recipient, kind or "sms", f"code {CODE} https://x/authorize/" + "t" * 24)


class Key:
    """A security key whose answers the fake target does not read."""

    def register(self, creation_options, *, origin=None) -> dict:
        return {"id": "walk-credential"}

    def authenticate(self, request_options, *, origin=None) -> dict:
        return {"id": "walk-credential"}


def fake_answer(session, status: int = 202, **result) -> ApiResponse:
    request = httpx.Request("POST", f"{BASE}/4711/session/login")
    return ApiResponse(status, {"status": status}, result, None, httpx.Headers(), request)


def argument(annotation: str, name: str, steps: Steps, user: User):
    """A value of the type a step's parameter names (by annotation, else by name)."""
    session = steps.client.session("walk-session-1")
    if name in BY_NAME:
        return BY_NAME[name]
    if name == "session" and annotation == str(inspect.Parameter.empty):
        return session
    if "Login" in annotation:
        return Login(session, fake_answer(session, webauthn={"rpId": "www.example.org"}))
    if "Session" in annotation:
        return session
    if "User" in annotation:
        return user
    if "MediaItem" in annotation and "dict" in annotation:
        return {"likes": [MediaItem(1, "video", "walk", 60, 1)]}
    if "MediaItem" in annotation:
        return MediaItem(1, "video", "walk", 60, 1)
    if "UploadTicket" in annotation:
        url = f"{BASE}/4711/upload/f.svg?user=1&expires=2&max=3&sig=abc"
        return UploadTicket("f.svg", url, 2, 3, 1, PICTURE)
    if "SampleFile" in annotation:
        return PICTURE
    if "AvsTransaction" in annotation:
        return AvsTransaction(1, "idnow", 16, "https://idnow.test/1", 2)
    if "AppEnrolment" in annotation:
        uri = f"otpauth://totp/nexx:walk?secret={TOTP_SECRET}"
        return AppEnrolment(1, TOTP_SECRET, uri)
    if "AuthenticatorApp" in annotation:
        return AuthenticatorApp(TOTP_SECRET)
    if "SecurityKey" in annotation:
        return Key()
    if "Comment" in annotation:
        return Comment(1, "walk")
    if "Interacted" in annotation:
        return Interacted(MediaItem(1, "video"), {"expires": 2, "purchased": 1})
    if "ApiResponse" in annotation:
        return fake_answer(session, 200)
    if annotation.startswith("dict"):
        return {}
    if annotation.startswith(("int", "float")):
        return 1
    if annotation.startswith("bool"):
        return True
    if annotation.startswith("bytes"):
        return b"walk"
    if annotation.startswith("str") or name in ("rule",):
        return "walk"
    raise LookupError(f"no argument of type {annotation!r} for `{name}`: add one to argument()")


def called(name: str, function, library: type[Steps] = Steps) -> Walk:
    """What the step sent when called on the walk's fake target."""
    walk = Walk()
    client = NexxClient(BASE, 4711, "walk-secret", transport=httpx.MockTransport(walk.answer))
    steps = library(
        client=client,
        users=Users(),
        domains=Domains(),
        target=Target(),
        mailbox=Channel(),
        sms_inbox=Channel(),
        story=walk.story,
        test_id="tests/selftest/steps/test_story.py::walk",
    )
    user = Users().details()
    user.phone, user.device = "+4917600000001", "walk-device"
    arguments, keywords = [], {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        value = argument(str(parameter.annotation), parameter.name, steps, user)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[parameter.name] = value
        else:
            arguments.append(value)
    if name == "expect":
        arguments.append(200)
    # The fake answers fit no flow: a step stops where it expects more, after its first calls.
    with contextlib.suppress(Exception, pytest.skip.Exception, pytest.fail.Exception):
        getattr(steps, name)(*arguments, **keywords)
    client.close()
    return walk


STEPS = [
    pytest.param(name, function, id=f"{mixin.__module__.rsplit('.', 1)[-1]}.{name}")
    for mixin in step_mixins()
    for name, function in public_steps(mixin)
]


@pytest.mark.parametrize("name, function", STEPS)
def test_every_step_that_calls_the_api_names_itself_in_the_story(name, function):
    walk = called(name, function)
    unnamed = [call for call, open_steps in walk.calls if not open_steps]
    assert not unnamed, (
        f"steps.{name} sends {', '.join(unnamed)} outside any named step: wrap its calls in "
        f"`with self.step(...)`, so a failed test's story tells them"
    )
    if name in CALL_NOTHING:
        assert not walk.calls, f"steps.{name} calls {walk.calls[0][0]}: take it out of CALL_NOTHING"
    else:
        assert walk.calls, (
            f"the walk did not bring steps.{name}{signature_of(function)[0]} to a call: give "
            "argument() what it needs, or put it in CALL_NOTHING if it calls nothing"
        )


def test_the_walk_finds_a_call_sent_outside_any_named_step():
    class Careless(Steps):
        def keepalive_unnamed(self, session) -> ApiResponse:
            """Keep the session alive, telling nobody."""
            return session.keepalive()

        def keepalive_named(self, session) -> ApiResponse:
            """Keep the session alive, as a step of the story."""
            with self.step("keep the session alive"):
                return session.keepalive()

    unnamed = called("keepalive_unnamed", Careless.keepalive_unnamed, Careless)
    assert unnamed.calls == [("POST /v3.1/4711/session/keepalive", [])]
    named = called("keepalive_named", Careless.keepalive_named, Careless)
    assert named.calls == [("POST /v3.1/4711/session/keepalive", ["keep the session alive"])]


def test_every_step_is_walked():
    walked = {re.sub(r".*\.", "", param.id) for param in STEPS}
    assert {"unregister", "unsubscribe", "request_takeout", "register_device_for_push"} <= walked
