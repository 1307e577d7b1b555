"""HTTP status names the suite and its scenarios use: one place, no bare numbers in tests.

The meanings are the contract's (docs/conventions.md, "Statuses").
"""

from http import HTTPStatus

OK = HTTPStatus.OK
CREATED = HTTPStatus.CREATED
ACCEPTED = HTTPStatus.ACCEPTED  # a login held for a second factor
BAD_REQUEST = HTTPStatus.BAD_REQUEST
UNAUTHORIZED = HTTPStatus.UNAUTHORIZED  # missing or invalid session or signature
FORBIDDEN = HTTPStatus.FORBIDDEN  # not allowed: wrong session kind, wrong credentials or code
NOT_FOUND = HTTPStatus.NOT_FOUND  # unknown domain, token, item or process
CONFLICT = HTTPStatus.CONFLICT  # taken, already used, already finished
# Not a status of the API's rules: the router's answer to a verb a path does not take.
METHOD_NOT_ALLOWED = HTTPStatus.METHOD_NOT_ALLOWED
PAYLOAD_TOO_LARGE = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
TOO_MANY_REQUESTS = HTTPStatus.TOO_MANY_REQUESTS
SERVICE_UNAVAILABLE = HTTPStatus.SERVICE_UNAVAILABLE

# The first status of each error class (RFC 9110, 15.5 and 15.6): `status >= CLIENT_ERROR`
# is any error, `status >= SERVER_ERROR` a server error.
CLIENT_ERROR = HTTPStatus.BAD_REQUEST
SERVER_ERROR = HTTPStatus.INTERNAL_SERVER_ERROR

# A one-time value (mail token, code, assertion) used a second time or never issued.
REFUSED_TOKEN = (FORBIDDEN, NOT_FOUND, CONFLICT)
# A refusal of any kind the contract allows for a request it will not carry out.
REFUSED = (BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS)


def name_of(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
