"""Flow password-change: a logged-in user changes the password, giving the current one
(`changepassword`); the session stays logged in, and from then on only the new password
logs in. A wrong current password is refused and changes nothing. `verifypassword` tells
whether a password is the user's, without changing anything.
"""

import pytest

from nexx_conformance.status import FORBIDDEN

pytestmark = pytest.mark.flow("password-change")


@pytest.mark.quick  # the flow's main path: in the quick pass
def test_right_current_password_changes_it(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    old_password = steps.change_password(user, session)
    steps.profile(session)  # the session stays logged in
    steps.only_the_new_password_logs_in(user, old_password)


def test_wrong_current_password_is_refused_and_changes_nothing(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("change the password giving a wrong current one"):
        steps.refused(
            steps.try_password_change(user, session, current=steps.wrong_password()),
            rule="changepassword: a wrong current password answers 403",
            statuses=(FORBIDDEN,),
        )
    with steps.step("the password is still the one before"):
        assert steps.verify_password(session, user.password), "verifypassword: the password changed"
    steps.logged_in(user)


def test_verifypassword_tells_the_users_password_from_another(steps):
    user = steps.registered_user()
    session = steps.logged_in(user)
    with steps.step("the user's password matches"):
        assert steps.verify_password(session, user.password), (
            "verifypassword: `matches` 0 for the right password"
        )
    with steps.step("another password does not match"):
        assert not steps.verify_password(session, steps.wrong_password()), (
            "verifypassword: `matches` 1 for a wrong password"
        )
    old_password = steps.change_password(user, session)
    with steps.step("after the change, the new password matches and the old one does not"):
        assert steps.verify_password(session, user.password), (
            "verifypassword: the new password does not match"
        )
        assert not steps.verify_password(session, old_password), (
            "verifypassword: the old password still matches"
        )
