"""The run as a user meets it: one clear message on bad configuration, the target started
only when a test needs it, users removed at the end."""

import pytest

USAGE_ERROR = 4


def test_malformed_target_stops_with_one_message(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--target", "htp:/bad")
    assert result.ret == USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--target must be one of reference, replay or an http(s) base URL*"]
    )


def test_url_target_without_secret_names_the_variable(pytester, monkeypatch):
    monkeypatch.delenv("NEXX_DOMAIN_SECRET", raising=False)
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--target", "https://staging.example/v3.1")
    assert result.ret == USAGE_ERROR
    result.stderr.fnmatch_lines(["*NEXX_DOMAIN_SECRET*"])


def test_unreachable_target_stops_before_the_first_test(pytester):
    pytester.makepyfile("def test_x(target): pass\ndef test_y(target): pass")
    result = pytester.runpytest(
        "--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "super-secret-1"
    )
    assert result.ret == USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "is not reachable" in output and "super-secret-1" not in output
    assert "passed" not in output and "failed" not in output


def test_collect_only_starts_nothing(pytester):
    pytester.makepyfile("def test_x(target): pass")
    result = pytester.runpytest(
        "--collect-only", "--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "x"
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*1 test collected*"])


def test_an_unreachable_target_stops_the_collection_at_the_first_test_needing_it(pytester):
    pytester.makepyfile(
        test_a="def test_a(target): pass",
        test_b="import pathlib\npathlib.Path('b-collected').touch()",
    )
    result = pytester.runpytest("--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "x")
    assert result.ret == USAGE_ERROR
    assert "is not reachable" in result.stdout.str() + result.stderr.str()
    assert not (pytester.path / "b-collected").exists()


def test_tests_without_target_start_nothing(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--target", "http://127.0.0.1:9/v3.1", "--domain-secret", "x")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("purpose", ["autoauthorize", "sms2fa"])
def test_missing_special_domain_skips_with_the_variable(pytester, purpose):
    pytester.makepyfile(f"""
        from nexx_conformance.pytest_plugin.fixtures.configuration import Domains
        def test_x():
            Domains({{"main": 1}}).require("{purpose}")
    """)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*NEXX_DOMAIN_ID_*"])


def test_reference_target_serves_signed_sessions(pytester):
    pytester.makepyfile("""
        def test_keepalive(anonymous_session, domains):
            assert anonymous_session.keepalive().status == 200
            assert set(domains) == {"main", "autoauthorize", "sms2fa"}
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_taken_sink_port_stops_the_run(pytester):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pytester.makepyfile("def test_x(target): pass")
        result = pytester.runpytest_inprocess("--mailbox", f"smtp://127.0.0.1:{port}")
    assert result.ret == USAGE_ERROR
    result.stdout.fnmatch_lines([f"*SMTP sink cannot listen on 127.0.0.1:{port}*"])


@pytest.mark.parametrize(
    "ending",
    [
        pytest.param("assert False", id="after-a-failure"),
        pytest.param("raise KeyboardInterrupt", id="after-ctrl-c"),
    ],
)
def test_created_users_are_unregistered_at_session_end(pytester, ending):
    pytester.makeconftest("""
        from nexx_conformance.users import UserRegistry

        original = UserRegistry.remove_all

        def remove_all(self, client):
            count = len(self.users)
            leftovers = original(self, client)
            with open("cleanup.txt", "w") as report:
                report.write(f"{count} {leftovers}")
            return leftovers

        UserRegistry.remove_all = remove_all
    """)
    pytester.makepyfile(f"""
        def test_x(registered_user, user_factory):
            user_factory.create()
            {ending}
    """)
    pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert (pytester.path / "cleanup.txt").read_text() == "2 []"
