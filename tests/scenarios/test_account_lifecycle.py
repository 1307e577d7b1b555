"""Flow account-lifecycle: a user's device is registered for push, a data takeout is
requested and mailed, the backend resends the registration mail, the user unsubscribes
from every newsletter, and finally unregisters: from then on the login, the profile and
the lists of that user are gone for good, and the username and email are free again."""

import pytest

from nexx_conformance.status import FORBIDDEN, NOT_FOUND
from nexx_conformance.steps.profile import ChannelSubscription

pytestmark = pytest.mark.flow("account-lifecycle")

UNKNOWN_USER = 2147483647


def test_push_messages_go_to_the_sessions_device(steps):
    session = steps.logged_in()
    device = steps.session_device(session)
    with steps.step("register the session's device for push"):
        registered = steps.register_device_for_push(session, "fcm-first-token")
        assert registered == device, f"push goes to device {registered}, not the session's {device}"
    with steps.step("a new push token replaces the device's old one"):
        replaced = steps.register_device_for_push(session, "fcm-second-token")
        assert replaced == device, f"push goes to device {replaced}, not the session's {device}"


def test_a_takeout_request_is_mailed_to_the_user(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("request a takeout twice: each is a new request"):
        first, second = steps.request_takeout(session), steps.request_takeout(session)
        assert second != first, f"both requests are takeout {first}"
    with steps.step("a takeout mail arrives for each request"):
        steps.mail(user.email, "takeout")
        steps.mail(user.email, "takeout")


@pytest.mark.eternal
@pytest.mark.destructive
def test_the_backend_resends_the_registration_mail(steps, eternal_session):
    user = steps.register().user
    with steps.step("the registration's authorization mail arrives"):
        steps.mail(user.email, "authorize")

    with steps.step("the backend resends it while the account waits for authorization"):
        assert steps.resend_welcome_mail(eternal_session, user) == "authorize"
    steps.authorize_by_mail(user)
    steps.logged_in(user)
    with steps.step("once authorized, the backend resends the welcome mail"):
        assert steps.resend_welcome_mail(eternal_session, user) == "welcome"
        steps.mail(user.email, "welcome")

    with steps.step("a user's session may not resend it"):
        steps.refused(
            steps.try_resend_welcome_mail(steps.logged_in(), user.user_id),
            rule="resendwelcomemail: needs the eternal session",
            statuses=(FORBIDDEN,),
        )
    with steps.step("a user the target does not know is not found"):
        steps.refused(
            steps.try_resend_welcome_mail(eternal_session, UNKNOWN_USER),
            rule="resendwelcomemail: 404 for an unknown user",
            statuses=(NOT_FOUND,),
        )


def test_unsubscribe_stops_every_newsletter_mail_but_not_push(steps):
    session = steps.logged_in(newsletter=1)
    with steps.step("subscribe to channel 5 by mail and to channel 6 by mail and push"):
        steps.subscribe_channel(session, 5, by_mail=True)
        steps.subscribe_channel(session, 6, by_mail=True, by_push=True)
    steps.unsubscribe(session)
    with steps.step("no newsletter, no channel by mail; channel 6 still by push"):
        assert steps.profile(session).get("newsletter") == 0, "the newsletter is still on"
        assert steps.channel_subscriptions(session) == [
            ChannelSubscription(6, by_mail=False, by_push=True)
        ]


@pytest.mark.quick  # the flow's main path: in the quick pass
@pytest.mark.destructive
def test_an_unregistered_user_is_gone_for_good(steps):
    user = steps.registered_user()
    session, other_session = steps.logged_in(user), steps.logged_in(user)
    video = steps.find_item("video")
    with steps.step("the user likes a video"):
        steps.add_to(session, "likes", video)

    steps.unregister(session, user)

    for name, each in (("this", session), ("every other", other_session)):
        with steps.step(f"{name} session of the user is anonymous: no profile, no lists"):
            assert steps.login_state(each) == "anonymous", f"{name} session is still logged in"
            steps.refused(
                steps.try_profile(each),
                rule="profile: needs a logged-in user",
                statuses=(FORBIDDEN,),
            )
            steps.refused(
                steps.try_read_list(each, "likes"),
                rule="likes: needs a logged-in user",
                statuses=(FORBIDDEN,),
            )
    with steps.step("the old credentials log in no more"):
        steps.refused(
            steps.log_in(user).answer,
            rule="login: an unregistered user cannot log in",
            statuses=(FORBIDDEN,),
        )
    with steps.step("the username and the email address are free again"):
        assert steps.is_free(user.username) and steps.is_free(user.email), (
            "the removed account's names are taken"
        )

    with steps.step("a new account with the same names starts with nothing"):
        again = steps.register_again(user).user
        steps.authorize_by_mail(again)
        new_session = steps.logged_in(again)
        assert steps.profile(new_session).get("ID") != user.user_id, (
            "the new account got the removed account's id"
        )
        assert steps.read_list(new_session, "likes").items == [], (
            "the new account inherited the likes"
        )


@pytest.mark.eternal
@pytest.mark.destructive
def test_the_backend_finds_nothing_of_an_unregistered_user(steps, eternal_session):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("the user likes and watches a video"):
        video = steps.find_item("video")
        steps.add_to(session, "likes", video)
        steps.add_to(session, "history", video)
    steps.unregister(session, user)

    for name in ("likes", "historyformerge"):
        with steps.step(f"the backend's {name} of the removed user is not found"):
            steps.refused(
                steps.try_read_list(eternal_session, name, forUserID=user.user_id),
                rule=f"{name}: 404 for a removed user",
                statuses=(NOT_FOUND,),
            )
    with steps.step("the backend cannot resend the removed user's mail"):
        steps.refused(
            steps.try_resend_welcome_mail(eternal_session, user.user_id),
            rule="resendwelcomemail: 404 for a removed user",
            statuses=(NOT_FOUND,),
        )
