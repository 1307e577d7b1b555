"""Flow 2fa-app: a logged-in user enrols an authenticator app (prepareregisterauthenticator
-> the otpauth:// secret -> finishregisterauthenticator with a code of the app); a later
login from a new device is held until a code of the app (`type=app`) finishes it. A code
of another secret and a code used once already are refused.
"""

import json

import pytest

from nexx_conformance.status import CONFLICT, FORBIDDEN, NOT_FOUND, OK
from nexx_conformance.steps.second_factors import APP, LOGGED_IN, SMS, wrong_code

pytestmark = pytest.mark.flow("2fa-app")

# The largest process id the contract allows: one no target hands out to a test user.
UNKNOWN_PROCESS = 2_147_483_647


def test_enrolment_shows_the_secret_once_and_turns_the_app_on(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("no app is enrolled yet"):
        assert steps.profile(session)["twofactor"]["app"] == 0, (
            "twofactor.app is on before any enrolment"
        )

    enrolment = steps.start_app_enrolment(session)
    with steps.step("the otpauth:// URI names the user and carries the secret"):
        expected = f"otpauth://totp/nexx:{user.username}?secret={enrolment.secret}&"
        assert enrolment.uri.startswith(expected), (
            "the URI is not otpauth://totp/nexx:{username}?secret=..."
        )
    app = steps.app_from(enrolment)
    steps.finish_enrolment(session, user, enrolment, app, app.code())

    with steps.step("the profile shows the app, and never its secret"):
        profile = steps.profile(session)
        assert profile["twofactor"]["app"] == 1, f"twofactor {profile['twofactor']}"
        assert enrolment.secret not in json.dumps(profile), "the profile shows the app's secret"


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_login_from_new_device_is_held_until_an_app_code(steps):
    user = steps.registered_user()
    app = steps.enrol_authenticator_app(steps.logged_in(user), user)
    login = steps.held_login(user, codetype=APP)

    with steps.step("no SMS is sent for an app login"):
        steps.refused(
            steps.ask_for_key_code(login),
            rule="requestkeycode: a login held for an app code answers 409",
            statuses=(CONFLICT,),
        )
    code = app.code()
    with steps.step("the app code sent as type=sms is a conflict"):
        steps.refused(
            steps.authorize_device(login, code, SMS),
            rule="authorizedevice: `type` must be the held login's codetype (409)",
            statuses=(CONFLICT,),
        )

    finished = steps.complete_with_app(login, app, code, user=user)
    with steps.step("the logged-in user has the app turned on"):
        assert finished.result["user"]["twofactor"]["app"] == 1, (
            f"twofactor {finished.result['user']['twofactor']}"
        )
    steps.profile(login.session)


def test_device_that_enrolled_with_a_code_is_not_held(steps):
    user = steps.registered_user()
    steps.enrol_authenticator_app(steps.logged_in(user), user)

    same_device = steps.log_in(user)
    with steps.step("a login from the enrolling device is not held"):
        steps.expect(
            same_device.answer, OK, rule="login: the device that proved the app is remembered (200)"
        )
        assert same_device.loginstate == LOGGED_IN, f"loginstate {same_device.loginstate!r}"
    steps.held_login(user, codetype=APP)


def test_code_of_another_secret_is_refused(steps):
    user = steps.registered_user()
    app = steps.enrol_authenticator_app(steps.logged_in(user), user)
    login = steps.held_login(user, codetype=APP)

    with steps.step("a code of another secret is refused"):
        steps.refused(
            steps.authorize_device(login, steps.code_of_another_secret(app), APP),
            rule="authorizedevice: only a code of the user's app counts (403)",
            statuses=(FORBIDDEN,),
        )

    steps.complete_with_app(login, app, user=user)


def test_replayed_code_is_refused(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    enrolment = steps.start_app_enrolment(session)
    app = steps.app_from(enrolment)
    enrolment_code = app.code()
    steps.finish_enrolment(session, user, enrolment, app, enrolment_code)

    first = steps.held_login(user, codetype=APP)
    with steps.step("the enrolment's code does not finish a login"):
        steps.refused(
            steps.authorize_device(first, enrolment_code, APP),
            rule="authorizedevice: an app code's time step is accepted once (403)",
            statuses=(FORBIDDEN,),
        )
    used = app.code()
    steps.complete_with_app(first, app, used, user=user)

    second = steps.held_login(user, codetype=APP)
    with steps.step("the code that finished a login does not finish the next one"):
        steps.refused(
            steps.authorize_device(second, used, APP),
            rule="authorizedevice: an app code's time step is accepted once (403)",
            statuses=(FORBIDDEN,),
        )


def test_wrong_enrolment_code_is_refused_and_the_process_stays_open(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    enrolment = steps.start_app_enrolment(session)
    app = steps.app_from(enrolment)
    code = app.code()

    with steps.step("a wrong code does not finish the enrolment"):
        steps.refused(
            steps.finish_app_enrolment(session, enrolment.process, wrong_code(code)),
            rule="finishregisterauthenticator: a code not of the process's secret is refused (403)",
            statuses=(FORBIDDEN,),
        )
        assert steps.profile(session)["twofactor"]["app"] == 0, (
            "a refused enrolment turned the app on"
        )

    steps.finish_enrolment(session, user, enrolment, app, code)


def test_enrolment_is_finished_once_and_only_by_its_user(steps):
    user, stranger = steps.registered_user(), steps.registered_user()
    session, strangers_session = steps.logged_in(user), steps.logged_in(stranger)
    enrolment = steps.start_app_enrolment(session)
    app = steps.app_from(enrolment)

    with steps.step("another user cannot finish the process"):
        steps.refused(
            steps.finish_app_enrolment(strangers_session, enrolment.process, app.code()),
            rule="finishregisterauthenticator: another user's process is unknown (404)",
            statuses=(NOT_FOUND,),
        )
    steps.finish_enrolment(session, user, enrolment, app, code=None)
    with steps.step("the finished process cannot be finished again"):
        steps.refused(
            steps.finish_app_enrolment(session, enrolment.process, None),
            rule="finishregisterauthenticator: a finished process is a conflict (409)",
            statuses=(CONFLICT,),
        )
    with steps.step("an unknown process is not found"):
        steps.refused(
            steps.finish_app_enrolment(session, UNKNOWN_PROCESS, None),
            rule="finishregisterauthenticator: an unknown process answers 404",
            statuses=(NOT_FOUND,),
        )
