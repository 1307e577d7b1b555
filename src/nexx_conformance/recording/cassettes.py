"""Where cassettes live and how vcrpy records and matches them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from nexx_conformance.constants import REPLAY_RUN_ID
from nexx_conformance.recording.matchers import MATCH_ON

CASSETTE_ROOT = "cassettes"
# JSON, not vcrpy's default YAML: a replay loads ~190 cassettes (11,000 interactions), and
# PyYAML's constructor took a sixth of the replay's time where json.loads takes a fiftieth.
SERIALIZER = "json"


def cassette_dir(rootpath: Path, module: Path) -> Path:
    try:
        relative = module.relative_to(rootpath)
    except ValueError:
        relative = Path(module.name)
    return rootpath / CASSETTE_ROOT / relative.with_suffix("")


def sink_netlocs(target) -> list[str]:
    """Our own channel endpoints: their HTTP traffic is never part of a cassette."""
    netlocs = []
    for channel in (target.mailbox, target.sms_inbox):
        for attribute in ("url", "api_url"):
            url = getattr(channel, attribute, None)
            if url:
                netlocs.append(urlsplit(url).netloc)
    return netlocs


def vcr_settings(target, library_dir: str, name_prefix: str) -> dict:
    """vcrpy's settings for one test on `target` (a nexx_conformance.targets object)."""
    config = target.config
    # Generated names are stored as a replay would generate them (qa_replay_<n>), so a replayed
    # response shows the replaying test its own user names.
    renames = {name_prefix: f"qa_{REPLAY_RUN_ID}_"}
    # Imported with the first cassette: scrubbing needs vcrpy, which a run without
    # cassettes never loads (cassette_dir is asked for by every test).
    from nexx_conformance.recording.scrubbing import Scrubber

    scrubber = Scrubber(
        [config.domain_secret, config.eternal_cid or ""], sink_netlocs(target), renames
    )
    settings = {
        "cassette_library_dir": library_dir,
        "match_on": list(MATCH_ON),
        "before_record_request": scrubber.before_record_request,
        "before_record_response": scrubber.before_record_response,
        "decode_compressed_response": True,
        "serializer": SERIALIZER,  # pytest-recording names the files <test>.json after it
    }
    if target.forced_record_mode is not None:
        # A replay never records, whatever a marker says.
        settings["record_mode"] = target.forced_record_mode
    return settings
