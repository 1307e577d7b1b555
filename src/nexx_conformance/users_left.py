"""The proof that a run left no test user behind: who is still stored on the bundled
reference server when the run ends (the plugin counts each process's own server after the
user cleanup and before the server stops; pytest_plugin.users_left reports the sum)."""

from __future__ import annotations


def count(target) -> dict | None:
    """What `target` still stores, or None for a target that cannot tell (URL, replay)."""
    if target is None or target.users is None:
        return None
    try:
        return {"names": target.users()}
    except Exception as error:  # noqa: BLE001 - a failed count is reported, not raised
        return {"error": f"{type(error).__name__}: {error}"}
