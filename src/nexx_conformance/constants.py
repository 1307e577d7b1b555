"""Names and defaults of the suite's configuration, in one place."""

TARGET_REFERENCE = "reference"
TARGET_REPLAY = "replay"
# A third kind of target is any http(s) base URL up to and including the API version.
TARGET_KEYWORDS = (TARGET_REFERENCE, TARGET_REPLAY)

DEFAULT_DOMAIN_ID = 4711
# Replay never talks to a server: the secret only has to be stable, never real.
REPLAY_SECRET = "replay-placeholder-secret"
REPLAY_BASE_URL = "http://replay.invalid/v3.1"
REPLAY_RUN_ID = "replay"

MAILBOX_SCHEMES = ("smtp", "mailpit+http", "mailpit+https")
SMS_INBOX_SCHEMES = ("webhook",)

# Domain purposes the scenarios ask for through the `domains` fixture.
DOMAIN_MAIN = "main"
DOMAIN_AUTOAUTHORIZE = "autoauthorize"
DOMAIN_SMS_2FA = "sms2fa"

ENV = {
    "target": "NEXX_TARGET",
    "domain_id": "NEXX_DOMAIN_ID",
    "domain_secret": "NEXX_DOMAIN_SECRET",
    "eternal_cid": "NEXX_ETERNAL_CID",
    "mailbox": "NEXX_MAILBOX",
    "sms_inbox": "NEXX_SMS_INBOX",
    "allow_destructive": "NEXX_ALLOW_DESTRUCTIVE",
    "allow_side_effects": "NEXX_ALLOW_SIDE_EFFECTS",
    "guessed_rules": "NEXX_GUESSED_RULES",
    "deviations": "NEXX_DEVIATIONS",
    "flow": "NEXX_FLOW",
    "report_dir": "NEXX_REPORT_DIR",
    "coverage_table": "NEXX_COVERAGE_TABLE",
    "seed": "NEXX_SEED",
    "max_examples": "NEXX_MAX_EXAMPLES",
    "calibration_overlay": "NEXX_CALIBRATION_OVERLAY",
    "contract": "NEXX_CONTRACT",
}
ENV_DOMAIN_AUTOAUTHORIZE = "NEXX_DOMAIN_ID_AUTOAUTHORIZE"
ENV_DOMAIN_SMS_2FA = "NEXX_DOMAIN_ID_SMS2FA"

# How the conformance tests generate their cases by default: the seeded run the cassettes
# are recorded with and the pull-request pipeline runs (--seed, --max-examples).
DEFAULT_SEED = 4711
DEFAULT_MAX_EXAMPLES = 10
# hypothesis takes seeds of any size; schemathesis draws its own from 128 bits.
MAX_SEED = 2**128 - 1
MAX_EXAMPLES_LIMIT = 100_000

# Where a run's reports go unless --report-dir says otherwise, and its coverage file's name
# (nexx_conformance.reporting names the others).
DEFAULT_REPORT_DIR = "reports"
COVERAGE_FILE = "contract-coverage.json"
CALIBRATION_FILE = "calibration.overlay.yaml"

MASK = "***"
# Form fields whose values are secrets or one-time values (scrubbed, masked, normalized).
SECRET_FIELDS = ("password", "newpassword", "currentpassword", "code", "token", "secret")

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# How the README, the help and every message write a flag's values (the others are read too).
YES, NO = "yes", "no"

# The flows of the User endpoint the scenarios cover, one module each in tests/scenarios/
# (`@pytest.mark.flow("<id>")`; `--flow <id>` runs one).
FLOWS = (
    "register-authorize-login",
    "register-auto-authorize",
    "register-anonymous",
    "uniqueness",
    "2fa-sms",
    "2fa-app",
    "u2f",
    "avs",
    "upload",
    "password-reset",
    "password-change",
    "profile-update",
    "media-lists",
    "ugc",
    "account-lifecycle",
)

# What a scenario's reports carry in `user_properties` (and so the JUnit XML as
# <property>): its flow, its named steps in order, the number of the step that failed.
FLOW_PROPERTY = "flow"
STEP_PROPERTY = "step"
FAILED_STEP_PROPERTY = "failed step"

# --guessed-rules: a violation of only guessed constraints warns or fails (guessed_rules).
GUESSED_RULES_WARN, GUESSED_RULES_FAIL = "warn", "fail"
GUESSED_RULES_MODES = (GUESSED_RULES_WARN, GUESSED_RULES_FAIL)
