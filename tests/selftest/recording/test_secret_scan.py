"""The recorded cassettes hold no secret, and the scan would notice one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nexx_conformance.recording.secret_scan import findings, scan

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"


def test_recorded_cassettes_hold_no_secret():
    assert list(CASSETTES.rglob("*.json")), "no cassettes recorded: run scripts/record-cassettes"
    found = scan(CASSETTES)
    assert not found, "secrets in cassettes:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "leak, rule",
    [
        pytest.param(
            "      X-Request-Token:\n      - 5f4dcc3b5aa765d61d8327deb882cf99\n",
            "signature header",
            id="signature-header",
        ),
        pytest.param(
            "    body: username=ann&password=Secret123\n", "secret form field", id="password-field"
        ),
        pytest.param(
            '{"result": {"cid": "I4nt6Ud8KrZzfGWFzTwu3bEB"}}', "secret JSON value", id="session-id"
        ),
        pytest.param(
            "otpauth://totp/nexx:ann?secret=JBSWY3DPEHPK3PXP&issuer=nexx",
            "TOTP secret in otpauth URI",
            id="totp-secret",
        ),
        pytest.param(
            "/upload/f.jpg?user=1&sig=9a0b1c2d", "upload URL signature", id="upload-signature"
        ),
        pytest.param(
            "uri: http://h/v3.1/4711/user/authorize/Zx81kq0LmN2b3v4c5x6z7",
            "mailed token in a path",
            id="mailed-token",
        ),
        pytest.param(
            '"hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"',
            "password hash",
            id="argon2-hash",
        ),
    ],
)
def test_scan_finds_a_leak(leak, rule):
    assert rule in {found_rule for found_rule, _ in findings(leak)}


@pytest.mark.parametrize(
    "clean",
    [
        pytest.param("      X-Request-CID:\n      - '***'\n", id="masked-header"),
        pytest.param(
            "    body: username=ann&password=***&--domain-secret=false\n",
            id="masked-field-and-fuzzed-name",
        ),
        pytest.param('{"general": {"cid": "scrubbed-session-id"}}', id="placeholder-session-id"),
        pytest.param('{"general": {"cid": "scrubbed-session-12"}}', id="numbered-session-id"),
        pytest.param("      X-Request-CID:\n      - '***cid-2***'\n", id="numbered-session-header"),
        pytest.param(
            "otpauth://totp/nexx:ann?secret=" + "A" * 32 + "&issuer=nexx",
            id="placeholder-totp-secret",
        ),
        pytest.param(
            "    body: currentpassword=***password-1***&newpassword=***password-2***\n",
            id="per-value-password-placeholders",
        ),
        pytest.param(
            "uri: http://h/v3.1/4711/user/resetpassword/***token-3***\n",
            id="per-value-token-placeholder",
        ),
        pytest.param(
            '{"code": "***code-answered-1***", "upload": "/f?sig=***sig-answered-2***"}',
            id="answered-placeholders",
        ),
    ],
)
def test_scan_passes_masks_and_placeholders(clean):
    assert list(findings(clean)) == []


@pytest.mark.parametrize(
    "leak",
    [
        pytest.param(
            "    body: password=***password-1***&newpassword=Secret123\n",
            id="real-password-beside-a-placeholder",
        ),
        pytest.param("    body: password=***password-1***x\n", id="placeholder-with-a-tail"),
        pytest.param("    body: code=***code***\n", id="placeholder-without-a-number"),
    ],
)
def test_scan_finds_a_secret_that_only_resembles_a_placeholder(leak):
    assert [rule for rule, _ in findings(leak)] == ["secret form field"]


def test_scan_finds_a_session_id_that_only_resembles_a_numbered_one():
    leak = '{"general": {"cid": "scrubbed-session-x1"}}'
    assert [rule for rule, _ in findings(leak)] == ["secret JSON value"]


def json_cassette(tmp_path: Path, token_header: str, calledwith: str) -> Path:
    path = tmp_path / "flow.json"
    path.write_text(
        json.dumps(
            {
                "interactions": [
                    {
                        "request": {
                            "uri": "http://h/v3.1/4711/user/profile",
                            "body": None,
                            "headers": {"X-Request-Token": [token_header]},
                        },
                        "response": {
                            "body": {"string": json.dumps({"metadata": {"calledwith": calledwith}})}
                        },
                    }
                ]
            },
            indent=4,
        )
    )
    return path


def test_json_cassette_leaks_are_found(tmp_path):
    # In a JSON cassette a body is one escaped string and a header a list: read decoded.
    json_cassette(
        tmp_path, "5f4dcc3b5aa765d61d8327deb882cf99", "/4711/user/authorize/Zx81kq0LmN2b3v4c5x6z7"
    )
    rules = {line.split(": ")[1] for line in scan(tmp_path)}
    assert rules == {"signature header", "mailed token in a path"}


def test_json_cassette_placeholders_are_clean(tmp_path):
    json_cassette(tmp_path, "***", "/4711/user/authorize/***token-answered-1***")
    assert scan(tmp_path) == []
