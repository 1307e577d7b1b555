"""Two per-request costs of vcrpy that a replay of ~9,500 requests pays, taken away.

1. Lookup. vcrpy's `Cassette._responses` runs every matcher against every recorded
   interaction of the cassette, twice per request (`request in cassette`, then
   `play_response`): over a million comparisons for the suite. Each of our matchers
   compares one normalized value for equality (method, path, query, body), so a match
   needs equal values: the interactions are indexed by the values of the matchers in
   `match_on` and only the request's bucket is compared, in recorded order as before.
   Without `method` and `nexx_path` in `match_on`, vcrpy's own scan runs unchanged.
2. Absent libraries. `vcr.patch.force_reset` runs around each connection and calls
   `reset_patchers`, which tries to import every optional HTTP library vcrpy can patch
   (botocore, httplib2, tornado, ...). An absent one is searched for on sys.path again
   every time. The patch list does not change within a process, so it is computed once
   and fresh patchers with the same target, attribute and replacement are made from it.

Both replace private vcrpy functions (checked against vcrpy 9.4);
tests/selftest/test_vcr_speed.py compares them with the originals.
"""

from __future__ import annotations

from unittest import mock

from vcr import cassette as vcr_cassette
from vcr import matchers as vcr_matchers
from vcr import patch as vcr_patch

from nexx_conformance.matchers import (
    body_key,
    body_of,
    nexx_body,
    nexx_path,
    nexx_query,
    path_of,
    query_of,
)

_original_responses = vcr_cassette.Cassette._responses
_original_reset_patchers = vcr_patch.reset_patchers


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def bucket_of(request, match_on) -> tuple:
    """The values every match under our matchers shares: method and path always, the
    normalized query and body when those matchers are in `match_on` too."""
    key = [request.method, path_of(request.uri).value]
    if nexx_query in match_on:
        key.append(_hashable(query_of(request.uri).value))
    if nexx_body in match_on:
        key.append(_hashable(body_of(body_key(request)).value))
    return tuple(key)


def _indexed(cassette) -> dict[tuple, list[int]]:
    # Rebuilt when interactions were added (recording appends to `data`).
    index = cassette.__dict__.get("_nexx_index")
    if index is None or index[0] != len(cassette.data):
        buckets: dict[tuple, list[int]] = {}
        for position, (stored, _) in enumerate(cassette.data):
            buckets.setdefault(bucket_of(stored, cassette._match_on), []).append(position)
        index = (len(cassette.data), buckets)
        cassette.__dict__["_nexx_index"] = index
    return index[1]


def indexed_responses(self, request):
    """`Cassette._responses` (the matching interactions as (index, response), in recorded
    order) looking only at the interactions that share the request's bucket."""
    if vcr_matchers.method not in self._match_on or nexx_path not in self._match_on:
        yield from _original_responses(self, request)
        return
    request = self._before_record_request(request)
    if not request:
        return
    for position in _indexed(self).get(bucket_of(request, self._match_on), ()):
        stored, response = self.data[position]
        if vcr_matchers.requests_match(request, stored, self._match_on):
            yield position, response


def _patch_list() -> list[tuple[object, str, object]]:
    return [(patcher.getter(), patcher.attribute, patcher.new) for patcher in _original_reset_patchers()]


_reset_targets: list[tuple[object, str, object]] | None = None


def cached_reset_patchers():
    """`vcr.patch.reset_patchers` without its failed imports: the same patches, as new
    patcher objects each time (force_reset enters and exits them)."""
    global _reset_targets
    if _reset_targets is None:
        _reset_targets = _patch_list()
    for target, attribute, new in _reset_targets:
        yield mock.patch.object(target, attribute, new)


def install() -> None:
    vcr_cassette.Cassette._responses = indexed_responses
    vcr_patch.reset_patchers = cached_reset_patchers
