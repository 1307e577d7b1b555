"""Our flow: a newsletter subscriber signs up with an email address alone, is logged in at
once and finds that address in the profile."""


def test_subscriber_signs_up_with_an_email_alone_and_sees_it_in_the_profile(steps):
    signup = steps.register_anonymous()
    with steps.step("the subscriber is logged in at once"):
        assert signup.logged_in, "registeranonymous: the session is logged in"
    profile = steps.profile(signup.session)
    with steps.step("the profile holds the subscriber's email"):
        assert (profile.get("email") or "").lower() == signup.user.email.lower()
