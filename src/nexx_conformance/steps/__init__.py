"""The step library the scenarios are written with (docs/writing-scenarios.md).

One module per area; `Steps` joins them, and the `steps` fixture gives one per test.
A scenario reads as the story of its flow:

    user = steps.registered_user()
    login = steps.log_in_from_new_device(user)
    steps.expect(login.answer, ACCEPTED, rule="2FA: a login from a new device is held")
"""

from nexx_conformance.steps.accounts import Accounts, Registration
from nexx_conformance.steps.avs import Avs
from nexx_conformance.steps.base import Login, StepsBase
from nexx_conformance.steps.lifecycle import Lifecycle
from nexx_conformance.steps.media_lists import MediaLists
from nexx_conformance.steps.passwords import Passwords
from nexx_conformance.steps.profile import Profile
from nexx_conformance.steps.second_factors import SecondFactors
from nexx_conformance.steps.ugc import Ugc
from nexx_conformance.steps.uploads import Uploads


class Steps(Accounts, Passwords, SecondFactors, Avs, Uploads, Ugc, Profile, MediaLists, Lifecycle):
    """Every step of every area, on one test's client, users and channels."""


__all__ = ["Login", "Registration", "Steps", "StepsBase"]
