"""Request shapes: the same parameters sent the way each client of nexx sends them give the
same answer as the shape the contract documents.

Each shape is read from the client's source (../shared/nexx-evidence.md, "Requests"):
- the official Node client (3qnexx/APIClient-NodeJS, apiclient.js `#callAPI`): GET
  parameters in the query, every other verb's in a form body; X-Request-Consumer,
  X-Request-Client-Version and a form Content-Type on every verb, GET included;
- the official PHP client (3qnexx/APIClient-PHP, src/apiclient.php `callAPI`): the same
  placement through Guzzle (`query` / `form_params`), so a form Content-Type only with a
  body; X-Request-Consumer, X-Request-Client, X-Request-Client-Version;
- gomnia (alex-berlin-tv/gomnia, api.go `universalCall`): every parameter in the query on
  every verb, no body, no Content-Type;
- omniapy (alex-berlin-tv/omniapy, omniapy/api.py `__universal_call`): `requests` with
  `data=`, so a form body on every verb, GET included;
- yt-dlp (yt_dlp/extractor/nexx.py `_call_api`): POST with a form body and
  `Content-Type: application/x-www-form-urlencoded; charset=UTF-8`, also to an operation
  documented as GET. Its whole session init runs in test_yt_dlp.py.
Where a parameter comes in both, the body's value wins (docs/conventions.md, Requests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from nexx_conformance.client import NexxClient, Session
from nexx_conformance.envelope import ApiResponse
from nexx_conformance.status import BAD_REQUEST, CREATED, METHOD_NOT_ALLOWED, OK

from .conftest import Account

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class ClientShape:
    """Where one client puts a call's parameters, by verb, and the headers it adds."""

    name: str
    get_parameters_in: str  # "query" or "form"
    other_parameters_in: str
    headers: Mapping[str, str] = field(default_factory=dict)
    verb: str | None = None  # a client that sends every call with one verb

    def send(self, session: Session, method: str, path: str, **fields: Any) -> ApiResponse:
        where = self.get_parameters_in if method == "GET" else self.other_parameters_in
        return session.client.call(
            self.verb or method, path, cid=session.cid, headers=self.headers, **{where: fields}
        )

    def outcome(self, method: str) -> str:
        """The test id: what the shape does on `method`, and that it is answered alike."""
        if self.verb and self.verb != method:
            return f"{self.name}-{self.verb.lower()}-form-answered-like-the-{method.lower()}"
        where = self.get_parameters_in if method == "GET" else self.other_parameters_in
        place = "query" if where == "query" else "form-body"
        return f"{self.name}-{place}-on-{method.lower()}-answered-alike"


NODE = ClientShape(
    "node",
    "query",
    "form",
    {
        "X-Request-Consumer": "apiclient-node",
        "X-Request-Client-Version": "1.6.9",
        "Content-Type": FORM,
    },
)
PHP = ClientShape(
    "php",
    "query",
    "form",
    {
        "X-Request-Consumer": "apiclient-php",
        "X-Request-Client": "apiclient-php",
        "X-Request-Client-Version": "1.6.8",
    },
)
GOMNIA = ClientShape("gomnia", "query", "query")
OMNIAPY = ClientShape("omniapy", "form", "form")
YT_DLP = ClientShape(
    "yt-dlp", "form", "form", {"Content-Type": f"{FORM}; charset=UTF-8"}, verb="POST"
)


def shapes(method: str, *clients: ClientShape) -> list:
    return [pytest.param(client, id=client.outcome(method)) for client in clients]


def seen(answer: ApiResponse) -> tuple:
    """What must not depend on the shape: status, result, paging and the echoed cfo."""
    return answer.status, answer.result, answer.paging, answer.metadata.get("calledfor")


@pytest.fixture
def anonymous(api: NexxClient) -> Session:
    """A fresh anonymous session of the manual-authorization domain."""
    return api.init()


@pytest.mark.parametrize("client", shapes("GET", NODE, PHP, GOMNIA, OMNIAPY, YT_DLP))
def test_a_search_is_answered_alike_however_its_parameters_come(
    anonymous: Session, client: ClientShape
) -> None:
    fields = {"limit": 2, "orderBy": "title", "orderDir": "DESC", "cfo": "search-box"}
    documented = anonymous.get("media/byquery/harbour", **fields)
    assert documented.status == OK and len(documented.result) == 2, documented.describe()
    assert seen(client.send(anonymous, "GET", "media/byquery/harbour", **fields)) == seen(
        documented
    )


@pytest.mark.parametrize("client", shapes("POST", NODE, PHP, GOMNIA, OMNIAPY, YT_DLP))
def test_a_login_is_answered_alike_however_its_parameters_come(
    auto_api: NexxClient, logged_in_user: Account, client: ClientShape
) -> None:
    fields = {
        "provider": "manual",
        "username": logged_in_user.username,
        "password": logged_in_user.password,
    }
    documented = auto_api.init().post("session/login", **fields)
    answer = client.send(auto_api.init(), "POST", "session/login", **fields)
    assert documented.status == OK, documented.describe()
    assert (answer.status, answer.result["loginstate"], answer.result["user"]) == (
        documented.status,
        documented.result["loginstate"],
        documented.result["user"],
    ), answer.describe()


@pytest.mark.parametrize("client", shapes("PUT", NODE, PHP, GOMNIA, OMNIAPY))
def test_a_channel_subscription_is_stored_alike_however_its_parameters_come(
    logged_in_user: Account, client: ClientShape
) -> None:
    # The contract declares these parameters in the query; the official clients send every
    # PUT parameter in a form body (the reference once refused it: "'channel' is required").
    session, fields = logged_in_user.session, {"channel": 12, "viamail": 1, "cfo": "settings"}
    documented = session.client.call(
        "PUT", "user/updatechannelsubscriptions", cid=session.cid, query=fields
    )
    assert documented.status == OK, documented.describe()
    answer = client.send(session, "PUT", "user/updatechannelsubscriptions", **fields)
    assert seen(answer) == seen(documented), answer.describe()


@pytest.mark.parametrize("client", shapes("DELETE", NODE, PHP, GOMNIA, OMNIAPY))
def test_an_unsubscribe_is_answered_alike_however_its_parameters_come(
    logged_in_user: Account, client: ClientShape
) -> None:
    session = logged_in_user.session
    documented = session.delete("user/unsubscribe", cfo="newsletter-footer")
    assert documented.status == OK, documented.describe()
    answer = client.send(session, "DELETE", "user/unsubscribe", cfo="newsletter-footer")
    assert seen(answer) == seen(documented), answer.describe()


INITS = [
    # apiclient.js sends its (unset) session as the string "undefined" and signs every
    # call, session/init too; nxp_userh only when it has one.
    pytest.param(
        NODE,
        {"X-Request-CID": "undefined", "X-Request-Token": "0" * 32},
        {"nxp_devh": "node-device-0001", "forcePersistantSession": 1},
        id="node-with-cid-undefined-gets-a-session",
    ),
    pytest.param(
        PHP,
        {"X-Request-CID": ""},
        {"nxp_devh": "php-device-0001", "lat": 52.52},
        id="php-with-empty-cid-gets-a-session",
    ),
    # yt-dlp's fields as nexx.py sends them: an empty nxp_userh, a lower-case
    # explicitlanguage, the modifiers the docs list as query parameters in the body.
    pytest.param(
        YT_DLP,
        {"X-Request-Enable-Auth-Fallback": "1"},
        {
            "nxp_devh": "3:1733300000:123457",
            "nxp_userh": "",
            "precid": "0",
            "playlicense": "0",
            "gateway": "html5",
            "adGateway": "",
            "explicitlanguage": "en-US",
            "addTextTemplates": "1",
            "addDomainData": "1",
            "addAdModel": "1",
        },
        id="yt-dlp-with-empty-nxp-userh-gets-a-session",
    ),
    pytest.param(
        GOMNIA,
        {},
        {"nxp_devh": "go-device-0001", "addDomainData": 1},
        id="gomnia-query-only-gets-a-session",
    ),
]


@pytest.mark.parametrize(("client", "headers", "fields"), INITS)
def test_a_session_init_as_each_client_sends_it_gives_a_session(
    api: NexxClient, client: ClientShape, headers: dict[str, str], fields: dict[str, Any]
) -> None:
    where = client.other_parameters_in
    answer = api.call(
        "POST",
        "session/init",
        cid=None,
        signed=False,
        headers={**client.headers, **headers},
        **{where: fields},
    )
    assert answer.status == CREATED, answer.describe()
    assert api.session(answer.result["general"]["cid"]).keepalive().status == OK


def test_the_body_wins_over_the_query_for_the_same_name(anonymous: Session) -> None:
    answer = anonymous.client.call(
        "GET", "media/byquery/harbour", cid=anonymous.cid, query={"limit": 1}, form={"limit": 2}
    )
    assert answer.status == OK and answer.paging["limit"] == 2, answer.describe()
    assert len(answer.result) == 2


def test_a_put_parameter_from_the_body_is_held_to_its_rule(logged_in_user: Account) -> None:
    session = logged_in_user.session
    answer = session.client.call(
        "PUT", "user/updatechannelsubscriptions", cid=session.cid, form={"channel": 0}
    )
    assert answer.status == BAD_REQUEST
    assert answer.errorhint == "parameter 'channel' must be at least 1"


def test_a_post_on_a_get_operation_says_post_in_its_metadata(anonymous: Session) -> None:
    answer = YT_DLP.send(anonymous, "GET", "media/byquery/harbour", limit=1)
    assert answer.status == OK and answer.metadata["verb"] == "POST", answer.describe()


@pytest.mark.parametrize("verb", ["PUT", "DELETE", "PATCH"])
def test_other_undeclared_verbs_on_a_get_operation_keep_their_405(
    anonymous: Session, verb: str
) -> None:
    answer = anonymous.client.call(verb, "media/byquery/harbour", cid=anonymous.cid)
    assert answer.status == METHOD_NOT_ALLOWED
    # POST is tolerated on a GET operation, not advertised.
    assert {method.strip() for method in answer.headers["allow"].split(",")} == {"GET", "HEAD"}


def test_a_body_that_is_no_form_on_a_get_is_refused_with_400(anonymous: Session) -> None:
    answer = anonymous.client.call(
        "GET",
        "media/byquery/harbour",
        cid=anonymous.cid,
        form={"limit": 1},
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == BAD_REQUEST
    assert "application/x-www-form-urlencoded" in answer.errorhint


def test_gomnia_paging_added_to_a_post_is_accepted(
    auto_api: NexxClient, logged_in_user: Account
) -> None:
    # gomnia appends limit=100&start=N to the query of every call, whatever the operation.
    answer = GOMNIA.send(
        auto_api.init(),
        "POST",
        "session/login",
        provider="manual",
        username=logged_in_user.username,
        password=logged_in_user.password,
        limit=100,
        start=1,
    )
    assert answer.status == OK, answer.describe()
