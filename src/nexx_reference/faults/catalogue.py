"""The fault catalogue: realistic defects of a nexx staging system, one named entry each.

Adding a fault: one `Entry(name, kind, description, killer, rewrite=...)` below. Without a
rewrite it is a switch: add `if faults.active("<name>"):` at the one place the rule lives
in the server. `killer` names who should catch it: CONFORMANCE (the property-based tests)
or flow("<id>") (the scenario that owns the rule). docs/faults.md has the whole story.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from .entry import CONFORMANCE, Entry, flow
from .exchange import Exchange
from .rewrites import (
    drop,
    on_envelope,
    on_errors,
    on_operation,
    on_paged_lists,
    on_status,
    on_users,
    rename,
)


def _created_as_date(user: dict) -> None:
    if isinstance(user.get("created"), int):
        user["created"] = datetime.fromtimestamp(user["created"], UTC).isoformat()


def _list_as_object(exchange: Exchange) -> None:
    exchange.envelope["result"] = {
        str(index): item for index, item in enumerate(exchange.result or [])
    }


def _expires_as_date(exchange: Exchange) -> None:
    general = (exchange.result or {}).get("general") or {}
    if isinstance(general.get("expires"), int):
        general["expires"] = datetime.fromtimestamp(general["expires"], UTC).isoformat()


def _served_as_html(exchange: Exchange) -> None:
    if exchange.header("content-type").startswith("application/json"):
        exchange.set_header("content-type", "text/html; charset=utf-8")


def _error_inside_200(exchange: Exchange) -> None:
    # The HTTP status says success, the envelope still carries the refusal.
    exchange.set_status(HTTPStatus.OK, envelope_too=False)


def _server_error_on_unicode(exchange: Exchange) -> None:
    sent = "".join(value for values in exchange.fields.values() for value in values)
    if not sent.isascii():
        exchange.set_status(HTTPStatus.INTERNAL_SERVER_ERROR)
        exchange.envelope.pop("result", None)
        exchange.metadata["errorhint"] = (
            "UnicodeEncodeError: 'latin-1' codec can't encode character"
        )


def _metadata_status_200(exchange: Exchange) -> None:
    exchange.metadata["status"] = HTTPStatus.OK


def _paging_start_zero(exchange: Exchange) -> None:
    exchange.envelope["paging"]["start"] = 0


def _apiversion_30(exchange: Exchange) -> None:
    exchange.metadata["apiversion"] = "3.0"


def _echo_signature(exchange: Exchange) -> None:
    # A debugging aid left switched on: the metadata echoes the signature it checked.
    token = exchange.request_headers.get("x-request-token")
    if token:
        exchange.metadata["checkedtoken"] = token


FAULTS: tuple[Entry, ...] = (
    # --- response schema drift ---------------------------------------------------------
    Entry(
        "user-without-email",
        "schema-drift",
        "every User object lacks its required `email`",
        CONFORMANCE,
        rewrite=on_users(drop("email")),
    ),
    Entry(
        "user-id-renamed",
        "schema-drift",
        "User.ID is sent as `id` (a renamed field)",
        CONFORMANCE,
        rewrite=on_users(rename("ID", "id")),
    ),
    Entry(
        "user-created-as-date",
        "schema-drift",
        "User.created is an ISO date string, not epoch seconds",
        CONFORMANCE,
        rewrite=on_users(_created_as_date),
    ),
    Entry(
        "list-result-as-object",
        "schema-drift",
        "paged media lists answer an object keyed by index, not a list",
        CONFORMANCE,
        rewrite=on_paged_lists(_list_as_object),
    ),
    Entry(
        "session-expires-as-date",
        "schema-drift",
        "/session/init's general.expires is an ISO date string",
        CONFORMANCE,
        rewrite=on_operation("init", _expires_as_date),
    ),
    Entry(
        "json-served-as-html",
        "schema-drift",
        "every JSON answer is labelled text/html",
        CONFORMANCE,
        rewrite=_served_as_html,
    ),
    # --- wrong status codes -------------------------------------------------------------
    Entry(
        "error-inside-200",
        "status",
        "refusals answer HTTP 200 with the error in the envelope",
        CONFORMANCE,
        rewrite=on_errors(_error_inside_200),
    ),
    Entry(
        "server-error-on-unicode",
        "status",
        "any non-ASCII field value makes the server fail with 500",
        CONFORMANCE,
        rewrite=on_envelope(_server_error_on_unicode),
    ),
    Entry(
        "404-instead-of-401",
        "status",
        "a missing or wrong signature or session answers 404, not 401",
        CONFORMANCE,
        rewrite=on_status(HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND),
    ),
    Entry(
        "created-as-200",
        "status",
        "creations (init, register, addarticle, ...) answer 200, not 201",
        CONFORMANCE,
        rewrite=on_status(HTTPStatus.CREATED, HTTPStatus.OK),
    ),
    Entry(
        "conflict-as-400",
        "status",
        "conflicts (username taken, token used) answer 400, not 409",
        flow("uniqueness"),
        rewrite=on_status(HTTPStatus.CONFLICT, HTTPStatus.BAD_REQUEST),
    ),
    # --- envelope -------------------------------------------------------------------------
    Entry(
        "metadata-status-always-200",
        "envelope",
        "metadata.status is 200 whatever the HTTP status",
        CONFORMANCE,
        rewrite=on_envelope(_metadata_status_200),
    ),
    Entry(
        "error-without-errorhint",
        "envelope",
        "refusals carry no metadata.errorhint",
        CONFORMANCE,
        rewrite=on_errors(lambda e: e.metadata.pop("errorhint", None)),
    ),
    Entry(
        "paging-missing",
        "envelope",
        "paged lists answer without `paging`",
        CONFORMANCE,
        rewrite=on_paged_lists(lambda e: e.envelope.pop("paging")),
    ),
    Entry(
        "paging-start-always-0",
        "envelope",
        "paging.start is 0 whatever `start` was sent",
        CONFORMANCE,
        rewrite=on_paged_lists(_paging_start_zero),
    ),
    Entry(
        "apiversion-3.0",
        "envelope",
        "metadata.apiversion says 3.0 on the 3.1 endpoint",
        CONFORMANCE,
        rewrite=on_envelope(_apiversion_30),
    ),
    # --- authentication -------------------------------------------------------------------
    Entry(
        "signature-not-checked",
        "auth",
        "X-Request-Token is not compared: any token is accepted",
        CONFORMANCE,
    ),
    Entry(
        "session-alive-after-logout",
        "auth",
        "/session/logout answers 200 but the session stays logged in",
        flow("register-authorize-login"),
    ),
    Entry(
        "held-login-counts-as-user",
        "auth",
        "a login held for its second factor already acts as the user (password alone is enough)",
        flow("2fa-app"),
    ),
    Entry(
        "eternal-parameter-from-user-session",
        "auth",
        "a user session may send forUserID and read another user's lists",
        flow("media-lists"),
    ),
    # --- tokens and codes -----------------------------------------------------------------
    Entry(
        "authorize-token-reusable",
        "tokens",
        "an authorization token works again after it was used",
        flow("register-authorize-login"),
    ),
    Entry(
        "reset-token-reusable",
        "tokens",
        "a password reset token works again after it was used",
        flow("password-reset"),
    ),
    Entry(
        "stale-sms-code-accepted",
        "tokens",
        "an SMS code stays valid after /requestkeycode sent a new one",
        flow("2fa-sms"),
    ),
    Entry(
        "wrong-sms-code-accepted",
        "tokens",
        "any 6-digit SMS code completes a held login",
        flow("2fa-sms"),
    ),
    Entry(
        "wrong-totp-code-accepted",
        "tokens",
        "any 6-digit authenticator code completes a held login",
        CONFORMANCE,
    ),
    Entry(
        "totp-replay-accepted",
        "tokens",
        "an authenticator code already used is accepted again",
        flow("2fa-app"),
    ),
    Entry(
        "webauthn-assertion-not-verified",
        "tokens",
        "a held U2F login accepts an assertion of a registered key without checking its signature",
        flow("u2f"),
    ),
    Entry(
        "webauthn-attestation-not-verified",
        "tokens",
        "a U2F registration is stored without verifying its attestation (challenge, origin)",
        flow("u2f"),
    ),
    Entry(
        "code-throttling-missing",
        "tokens",
        "wrong device codes are never throttled with 429",
        flow("2fa-sms"),
    ),
    # --- state ----------------------------------------------------------------------------
    Entry(
        "autoauthorize-ignored",
        "state",
        "on an AutoAuthorize domain a registration still waits for its mail confirmation "
        "(no login, no welcome mail)",
        flow("register-auto-authorize"),
    ),
    Entry(
        "anonymous-flag-lost",
        "state",
        "/registeranonymous stores a regular account: `isanonymous` is 0 in its session and profile",
        flow("register-anonymous"),
    ),
    Entry(
        "updatedata-not-persisted",
        "state",
        "/updatedata answers 200 and stores nothing",
        flow("profile-update"),
    ),
    Entry(
        "updatedata-changes-username",
        "state",
        "/updatedata with a new email also renames the user after it (the username must stay)",
        flow("profile-update"),
    ),
    Entry(
        "unregister-keeps-login",
        "state",
        "/unregister ends the sessions but the user can still log in",
        flow("account-lifecycle"),
    ),
    Entry(
        "password-change-not-persisted",
        "state",
        "/changepassword answers 200 and keeps the old password",
        flow("password-change"),
    ),
    Entry(
        "interaction-not-persisted",
        "state",
        "interactions (favourites, likes, ...) answer 200 and store nothing",
        flow("media-lists"),
    ),
    # --- filters ignored ------------------------------------------------------------------
    Entry(
        "streamtype-filter-ignored",
        "filters",
        "media lists ignore `streamtype`",
        flow("media-lists"),
    ),
    Entry(
        "exclude-completed-ignored",
        "filters",
        "media lists ignore `excludeCompleted`",
        flow("media-lists"),
    ),
    Entry(
        "flat-level-ignored",
        "filters",
        "media lists ignore `mediaDataLevel=flat` (full items come back)",
        flow("media-lists"),
    ),
    Entry(
        "limit-ignored",
        "filters",
        "media lists ignore `limit` (paging still echoes it)",
        flow("media-lists"),
    ),
    Entry(
        "order-ignored",
        "filters",
        "media lists ignore `orderBy` and `orderDir`",
        flow("media-lists"),
    ),
    # --- data leaks -----------------------------------------------------------------------
    Entry(
        "user-leaks-password-hash",
        "leak",
        "User objects carry the stored password hash",
        CONFORMANCE,
    ),
    Entry(
        "errorhint-leaks-secret",
        "leak",
        "a wrong signature's errorhint spells out the expected md5 input, secret included",
        CONFORMANCE,
    ),
    Entry(
        "signature-echoed",
        "leak",
        "metadata echoes the X-Request-Token it checked",
        CONFORMANCE,
        rewrite=on_envelope(_echo_signature),
    ),
    Entry(
        "ugc-drafts-published",
        "leak",
        "a user's new article, playlist or collection is published at once without autoPublish "
        "(drafts are public)",
        flow("ugc"),
    ),
    Entry(
        "lists-show-other-users-items",
        "leak",
        "media lists hold every user's entries, not only the caller's",
        flow("media-lists"),
    ),
    # --- uploads and AVS ------------------------------------------------------------------
    Entry(
        "upload-signature-not-checked",
        "uploads-avs",
        "a tampered upload URL (other max size, user) is accepted",
        flow("upload"),
    ),
    Entry(
        "finish-without-bytes-accepted",
        "uploads-avs",
        "/finishupload succeeds before the file was PUT",
        flow("upload"),
    ),
    Entry(
        "avs-result-ignored",
        "uploads-avs",
        "a failed age verification still raises the age class",
        flow("avs"),
    ),
    Entry(
        "avs-other-users-transaction",
        "uploads-avs",
        "/finishavsupdate accepts another user's transaction",
        flow("avs"),
    ),
)
