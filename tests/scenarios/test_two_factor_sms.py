"""Flow 2fa-sms: on a domain with SMS two-factor, a user with a phone number who logs in
from a new device is held until the code the SMS brought finishes the login. A wrong code,
a used code and a code older than the latest /user/requestkeycode are refused; after
5 wrong codes in a row every code, even the right one, is throttled (429, Retry-After).
"""

import pytest

from nexx_conformance.status import CONFLICT, FORBIDDEN, OK
from nexx_conformance.steps.second_factors import (
    APP,
    LOGGED_IN,
    SMS,
    WRONG_CODES_BEFORE_THROTTLE,
    wrong_code,
)

pytestmark = pytest.mark.flow("2fa-sms")

CODE_LIFETIME = 10 * 60  # contract: paths/twofactor.yaml#/authorizedevice


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_login_from_new_device_is_held_until_the_sms_code(steps):
    user = steps.phone_user()
    login = steps.held_login(user, codetype=SMS)

    with steps.step("the held login does not read the profile"):
        steps.refused(
            login.session.get("user/profile"),
            rule="profile: a held login is not logged in",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_sms(login, user)
    steps.profile(login.session)


def test_device_that_passed_the_code_is_not_held_again(steps):
    user = steps.phone_user()
    laptop = steps.new_device()
    steps.complete_with_sms(steps.held_login(user, device=laptop), user)

    again = steps.log_in(user, device=laptop)
    with steps.step("the second login from that device is not held"):
        steps.expect(
            again.answer, OK, rule="login: a device that passed a code is remembered (200)"
        )
        assert again.loginstate == LOGGED_IN, f"loginstate {again.loginstate!r}"


def test_user_without_phone_is_not_held(steps):
    user = steps.registered_user(domain="sms2fa")
    login = steps.log_in_from_new_device(user)
    steps.expect(login.answer, OK, rule="login: without a phone number no SMS code is due (200)")


def test_wrong_code_is_refused_and_the_login_stays_held(steps):
    user = steps.phone_user()
    login = steps.held_login(user)
    code = steps.texted_code(user.phone)

    with steps.step("a wrong code is refused"):
        steps.refused(
            steps.authorize_device(login, wrong_code(code)),
            rule="authorizedevice: a wrong code is refused (403)",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_sms(login, user, code)


def test_used_code_is_refused(steps):
    user = steps.phone_user()
    first = steps.held_login(user)
    used = steps.texted_code(user.phone)
    steps.complete_with_sms(first, user, used)

    with steps.step("the code again on the finished login is refused"):
        steps.refused(
            steps.authorize_device(first, used),
            rule="authorizedevice: a session whose login is not held answers 403",
            statuses=(FORBIDDEN,),
        )

    second = steps.held_login(user)
    fresh = steps.next_code(user, unlike=used, login=second)
    with steps.step("the used code on the next held login is refused"):
        steps.refused(
            steps.authorize_device(second, used),
            rule="authorizedevice: only the held login's own code counts (403)",
            statuses=(FORBIDDEN,),
        )
    steps.complete_with_sms(second, user, fresh)


def test_code_older_than_the_latest_requestkeycode_is_refused(steps):
    user = steps.phone_user()
    login = steps.held_login(user)
    old = steps.texted_code(user.phone)

    sent = steps.request_key_code(login)
    with steps.step("the new code went to the user's phone, masked, for 10 minutes"):
        assert sent.to[:3] == user.phone[:3] and sent.to[-2:] == user.phone[-2:], (
            "requestkeycode names another phone number"
        )
        assert user.phone not in sent.text, "requestkeycode shows the whole phone number"
        lifetime = sent.expires - sent.answered_at
        assert CODE_LIFETIME - 60 < lifetime <= CODE_LIFETIME + 5, (
            f"the code lives {lifetime:.0f} s"
        )
    new = steps.next_code(user, unlike=old, login=login)

    with steps.step("the older code is refused"):
        steps.refused(
            steps.authorize_device(login, old),
            rule="authorizedevice: only the latest SMS code is valid (403)",
            statuses=(FORBIDDEN,),
        )
    steps.complete_with_sms(login, user, new)


def test_repeated_wrong_codes_throttle_even_the_right_code(steps):
    user = steps.phone_user()
    login = steps.held_login(user)
    code = steps.texted_code(user.phone)

    steps.send_wrong_codes(login, code, WRONG_CODES_BEFORE_THROTTLE)
    with steps.step("the right code is throttled"):
        steps.expect_throttled(login, code)

    steps.request_key_code(login)
    with steps.step("a new SMS code does not lift the throttle"):
        steps.expect_throttled(login, steps.texted_code(user.phone))


def test_app_code_for_an_sms_login_is_a_conflict(steps):
    user = steps.phone_user()
    login = steps.held_login(user)
    code = steps.texted_code(user.phone)

    with steps.step("the code sent as type=app is a conflict"):
        steps.refused(
            steps.authorize_device(login, code, APP),
            rule="authorizedevice: `type` must be the held login's codetype (409)",
            statuses=(CONFLICT,),
        )

    steps.complete_with_sms(login, user, code)


def test_code_operations_need_a_held_login(steps):
    user = steps.phone_user()
    session = steps.logged_in(user)

    with steps.step("a logged-in session asks for a code"):
        steps.refused(
            steps.ask_for_key_code(session),
            rule="requestkeycode: a session without a held login answers 403",
            statuses=(FORBIDDEN,),
        )
    with steps.step("a logged-in session sends a code"):
        steps.refused(
            steps.authorize_device(session, "123456"),
            rule="authorizedevice: a session without a held login answers 403",
            statuses=(FORBIDDEN,),
        )
