"""Flow profile-update: a logged-in user changes the details, the status update and the
channel subscriptions, and the profile shows each change; `updatedata` never changes the
username, the password or the status update, and validates against `connectedForm`;
the joined events and groups appear in the profile only when asked for."""

import pytest

from nexx_conformance.status import BAD_REQUEST, CONFLICT, OK
from nexx_conformance.steps.profile import ChannelSubscription, JoinedItem

pytestmark = pytest.mark.flow("profile-update")

NEW_DETAILS = {
    "lastname": "Liddell",
    "country": "DE",
    "phone": "+4917612345678",
    "gender": "female",
    "birthday": "1990-05-04",
    "language": "de",
}
STATUS = "Watching the finals"


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_updatedata_changes_only_the_details_sent(steps):
    user = steps.registered_user(firstname="Alice")
    session = steps.logged_in(user)
    steps.update_status(session, STATUS)

    with steps.step("update lastname, country, phone, gender, birthday and language"):
        steps.update_details(session, user, **NEW_DETAILS)

    with steps.step("the profile shows the new details and keeps every other"):
        profile = steps.profile(session)
        shown = {name: profile.get(name) for name in NEW_DETAILS}
        assert shown == NEW_DETAILS, f"profile shows {shown}, sent {NEW_DETAILS}"
        kept = (
            profile.get("firstname"),
            profile.get("username"),
            (profile.get("email") or "").lower(),
            profile.get("status"),
        )
        assert kept == ("Alice", user.username, user.email.lower(), STATUS), (
            f"profile changed: {kept}"
        )

    with steps.step("the password is still the one the user registered with"):
        steps.expect(steps.log_in(user).answer, OK, rule="updatedata: the password stays as it was")


def test_updatedata_refuses_username_and_password(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    other = steps.user_details()

    for name, value in (("username", other.username), ("password", other.password)):
        with steps.step(f"updatedata with a new {name} is refused"):
            answer = steps.try_update_details(session, **{name: value})
            # The refusal must say why (refused checks the errorhint); its wording is the
            # target's own (the other-error-wording variant of the kill matrix).
            steps.refused(
                answer, rule=f"updatedata: {name} cannot be changed here", statuses=(BAD_REQUEST,)
            )

    with steps.step("the username is unchanged"):
        assert steps.profile(session).get("username") == user.username, (
            "the refused username was stored"
        )
    with steps.step("the refused password does not log in, the registered one does"):
        steps.refused(
            steps.log_in(user, password=other.password).answer,
            rule="updatedata: a refused password must not be stored",
        )
        steps.expect(steps.log_in(user).answer, OK, rule="updatedata: the password stays as it was")


def test_updatedata_leaves_the_status_update_alone(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    steps.update_status(session, STATUS)

    with steps.step("updatedata with a status and a lastname"):
        steps.update_details(session, user, status="Changed by updatedata", lastname="Liddell")
    with steps.step("the lastname changed, the status update did not"):
        profile = steps.profile(session)
        assert (profile.get("lastname"), profile.get("status")) == ("Liddell", STATUS), (
            f"profile lastname {profile.get('lastname')!r}, status {profile.get('status')!r}"
        )


def test_updatedata_validates_the_connected_form(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)

    with steps.step("details validated by form 7 are stored"):
        steps.update_details(session, user, connected_form=7, lastname="Liddell")
        assert steps.profile(session).get("lastname") == "Liddell", (
            "the details of a valid form were not stored"
        )

    for form in ("seven", 0):
        with steps.step(
            f"connectedForm={form!r} is refused, and the details sent with it are not stored"
        ):
            answer = steps.try_update_details(session, connected_form=form, lastname="Hargreaves")
            steps.refused(
                answer,
                rule="updatedata: connectedForm is a form id (an integer >= 1)",
                statuses=(BAD_REQUEST,),
            )
            assert steps.profile(session).get("lastname") == "Liddell", (
                "a refused update changed the lastname"
            )


def test_updatedata_with_nothing_to_change_is_refused(steps):
    session = steps.logged_in()
    with steps.step("updatedata without a single detail is refused"):
        steps.refused(
            steps.try_update_details(session),
            rule="updatedata: at least one field must be sent",
            statuses=(BAD_REQUEST,),
        )


def test_a_new_email_must_be_free(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    taken = steps.register().user.email

    with steps.step("the email address of another account is refused"):
        steps.refused(
            steps.try_update_details(session, email=taken),
            rule="updatedata: an email address belongs to one account",
            statuses=(CONFLICT,),
        )
    with steps.step("a free email address is stored"):
        free = steps.user_details().email
        steps.update_details(session, user, email=free)
        profile = steps.profile(session)
        assert (profile.get("email") or "").lower() == free.lower(), "the new email is not shown"
    with steps.step("a new email address leaves the username as it was"):
        assert profile.get("username") == user.username, (
            f"updatedata changed the username to {profile.get('username')!r}"
        )


def test_the_status_update_shows_in_the_profile_until_cleared(steps):
    session = steps.logged_in()

    with steps.step("a new status update shows in the profile"):
        steps.update_status(session, STATUS)
        assert steps.profile(session).get("status") == STATUS, "the status update is not shown"
    with steps.step("a status update longer than 500 characters is refused"):
        steps.refused(
            steps.try_update_status(session, "x" * 501),
            rule="updatestatus: at most 500 characters",
            statuses=(BAD_REQUEST,),
        )
    with steps.step("an empty status update clears it"):
        steps.update_status(session, "")
        assert steps.profile(session).get("status") == "", "the status update was not cleared"


def test_channel_subscriptions_show_in_the_profile(steps):
    session = steps.logged_in()

    with steps.step("subscribe to channel 12 by mail: a flag left out is off"):
        stored = steps.subscribe_channel(session, 12, by_mail=True)
        assert stored == ChannelSubscription(12, by_mail=True, by_push=False), f"stored {stored}"
    with steps.step("subscribe to channel 13 by mail and push"):
        steps.subscribe_channel(session, 13, by_mail=True, by_push=True)
    with steps.step("the profile lists both subscriptions"):
        assert set(steps.channel_subscriptions(session)) == {
            ChannelSubscription(12, by_mail=True, by_push=False),
            ChannelSubscription(13, by_mail=True, by_push=True),
        }
    with steps.step("turning both flags off removes channel 12 from the profile"):
        steps.subscribe_channel(session, 12, by_mail=False, by_push=False)
        assert steps.channel_subscriptions(session) == [
            ChannelSubscription(13, by_mail=True, by_push=True)
        ]


def test_the_profile_shows_joined_events_and_groups_only_when_asked(steps):
    session = steps.logged_in()
    event, team = steps.find_item("event"), steps.find_item("team")

    with steps.step("the profile has no events and groups unless asked"):
        profile = steps.profile(session)
        assert "events" not in profile and "groups" not in profile, (
            f"profile fields {sorted(profile)}"
        )
    with steps.step("join an event and a team"):
        joined_event = steps.interact(session, "joinevent", event)
        joined_team = steps.interact(session, "jointeam", team)
    with steps.step(
        "asked for, the profile lists the event and the team (as a group) with their join time"
    ):
        joined = steps.joined(session)
        assert joined.events == [JoinedItem(event.id, event.title, joined_event.added)], (
            f"events {joined.events}"
        )
        assert joined.groups == [JoinedItem(team.id, team.title, joined_team.added)], (
            f"groups {joined.groups}"
        )
    with steps.step("after leaving the event, the profile lists no event"):
        steps.interact(session, "leaveevent", event)
        assert steps.joined(session).events == [], "the event left is still listed"


def test_the_profile_never_shows_the_password(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("the profile holds the user's details but not the password"):
        profile = steps.profile(session)
        assert (profile.get("ID"), profile.get("username")) == (user.user_id, user.username), (
            f"the profile is user {profile.get('ID')} {profile.get('username')!r}, not {user.user_id} {user.username!r}"
        )
        assert user.password not in str(profile), "the profile shows the password"
