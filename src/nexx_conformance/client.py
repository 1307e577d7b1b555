"""A signed nexx client: domain in the path, form bodies, 0/1 flags, the two signature headers."""

from __future__ import annotations

import secrets
import ssl
import time
from collections.abc import Mapping
from functools import cache
from typing import Any

import httpx

from nexx_conformance.envelope import ApiResponse
from nexx_conformance.masking import mask_url_signature
from nexx_conformance.signing import signed_headers
from nexx_conformance.status import SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS

RETRY_STATUSES = (TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE)
MAX_ATTEMPTS = 4
MAX_BACKOFF_SECONDS = 8.0


def form_value(value: Any) -> str:
    # nexx flags are 0/1; Python's True would be sent as "True".
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def form_fields(fields: Mapping[str, Any] | None) -> dict[str, str]:
    return {k: form_value(v) for k, v in (fields or {}).items() if v is not None}


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for the clients of a process, as httpx would make it (certifi's CA
    bundle, SSL_CERT_FILE honoured): httpx makes a new one for every client otherwise,
    reading the CA bundle again, 20 ms each, and a run opens a client for every domain,
    user removal and channel (benchmarks/README.md)."""
    return httpx.create_ssl_context()


class NexxClient:
    """Talks to one target; knows its base URL, domain and secret, never prints the secret."""

    def __init__(
        self,
        base_url: str,
        domain_id: int,
        secret: str,
        *,
        retry: bool = False,
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
        sleep=time.sleep,
        device: str | None = None,
        observers: list | None = None,
        guards: list | None = None,
    ) -> None:
        # The device hash /session/init needs; one client is one device unless a test says
        # otherwise (init(nxp_devh=...)), as the 2FA "new device" flows do.
        self.device = device or secrets.token_hex(16)
        self.base_url = base_url.rstrip("/")
        self.domain_id = domain_id
        self._secret = secret
        # Retries belong to shared live targets only: on the reference server or a replay
        # a 429 is an answer under test, not congestion.
        self.retry = retry
        self._sleep = sleep
        self._http = httpx.Client(timeout=timeout, transport=transport, verify=tls_context())
        self._domain_clients: dict[int, NexxClient] = {}
        # Called with every answer, e.g. the scenarios' contract check; shared with the
        # clients of the other domains, so one hook sees every call of a test.
        self.observers = observers if observers is not None else []
        # Called with (method, "/{domainid}/path") before each call is sent, shared likewise;
        # one raises to stop the call (the destructive guard, pytest_plugin.destructive).
        self.guards = guards if guards is not None else []

    def __repr__(self) -> str:
        return f"NexxClient({self.base_url!r}, domain_id={self.domain_id}, secret='***')"

    def close(self) -> None:
        for other in self._domain_clients.values():
            other.close()
        self._http.close()

    def for_domain(self, domain_id: int) -> NexxClient:
        """This client, or one on another domain of the same target (same secret and device)."""
        if domain_id == self.domain_id:
            return self
        if domain_id not in self._domain_clients:
            self._domain_clients[domain_id] = NexxClient(
                self.base_url,
                domain_id,
                self._secret,
                retry=self.retry,
                sleep=self._sleep,
                device=self.device,
                observers=self.observers,
                guards=self.guards,
            )
        return self._domain_clients[domain_id]

    def call(
        self,
        method: str,
        path: str,
        *,
        cid: str | None,
        fields: Mapping[str, Any] | None = None,
        signed: bool = True,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> ApiResponse:
        """Call `path` below the domain ("user/register"). `fields` go where the contract
        puts them: the query string on GET, a form body otherwise. `query` and `form` go
        there whatever the verb, as some clients of nexx send them."""
        below_base = f"/{self.domain_id}/{path.lstrip('/')}"
        for guard in list(self.guards):
            guard(method.upper(), below_base.split("?", 1)[0])
        url = f"{self.base_url}{below_base}"
        sent_headers = dict(headers or {})
        if signed:
            sent_headers.update(signed_headers(path, self.domain_id, self._secret, cid))
        in_query, in_form = form_fields(query), form_fields(form)
        if method.upper() == "GET":
            in_query = {**form_fields(fields), **in_query}
        else:
            in_form = {**form_fields(fields), **in_form}
        # None, not {}: empty params would drop a query written into `path` (e.g. a PUT
        # "user/updatechannelsubscriptions?channel=5").
        request = self._http.build_request(
            method, url, params=in_query or None, data=in_form or None, headers=sent_headers
        )
        answer = ApiResponse.from_httpx(self._send(request))
        for observe in list(self.observers):
            observe(answer)
        return answer

    def transfer(self, method: str, url: str, content: bytes | None = None) -> ApiResponse:
        """An unsigned request to an absolute URL the API handed out (an upload URL): no
        session, no signature, the URL carries its own authorization. Sent on this client's
        httpx, so cassettes record it, and shown to the observers like every answer."""
        request = self._http.build_request(method, url, content=content)
        answer = ApiResponse.from_httpx(self._send(request))
        # The URL's signature is its authorization, and failure messages show the request.
        answer.request = with_masked_signature(request)
        for observe in list(self.observers):
            observe(answer)
        return answer

    def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 1
        while True:
            response = self._http.send(request)
            if (
                not self.retry
                or response.status_code not in RETRY_STATUSES
                or attempt >= MAX_ATTEMPTS
            ):
                return response
            self._sleep(backoff_seconds(response, attempt))
            attempt += 1

    def init(self, **fields: Any) -> Session:
        """A new anonymous session (POST /session/init, unsigned)."""
        fields.setdefault("nxp_devh", self.device)
        response = self.call("POST", "session/init", cid=None, fields=fields, signed=False)
        # Any success with a session id opens the session: whether its status is the one
        # the contract documents (201) is the contract check's to say, not a reason to stop.
        general = response.result.get("general") if isinstance(response.result, dict) else None
        cid = general.get("cid") if isinstance(general, dict) else None
        if not 200 <= response.status < 300 or not isinstance(cid, str) or not cid:
            raise SessionError("session/init did not give a session", response)
        return Session(self, cid, init_response=response)

    def session(self, cid: str) -> Session:
        """A session for a known id, e.g. the eternal session."""
        return Session(self, cid)


def with_masked_signature(request: httpx.Request) -> httpx.Request:
    """A copy of `request` whose URL shows `sig` masked."""
    return httpx.Request(
        request.method,
        mask_url_signature(str(request.url)),
        headers=request.headers,
        content=request.content,
    )


def backoff_seconds(response: httpx.Response, attempt: int) -> float:
    retry_after = response.headers.get("Retry-After", "")
    if retry_after.isdigit():
        return min(float(retry_after), MAX_BACKOFF_SECONDS)
    return min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)


class SessionError(AssertionError):
    """A session step that every later step depends on failed."""

    def __init__(self, what: str, response: ApiResponse) -> None:
        super().__init__(f"{what}: {response.describe()}")
        self.response = response


class Session:
    """A nexx session (cid) on one client: the calls a user's app makes."""

    def __init__(self, client: NexxClient, cid: str, *, init_response: ApiResponse | None = None):
        self.client = client
        self.cid = cid
        self.init_response = init_response

    def __repr__(self) -> str:
        return f"Session(domain_id={self.client.domain_id}, cid='***')"

    def call(self, method: str, path: str, **fields: Any) -> ApiResponse:
        return self.client.call(method, path, cid=self.cid, fields=fields)

    def get(self, path: str, **fields: Any) -> ApiResponse:
        return self.call("GET", path, **fields)

    def post(self, path: str, **fields: Any) -> ApiResponse:
        return self.call("POST", path, **fields)

    def put(self, path: str, **fields: Any) -> ApiResponse:
        return self.call("PUT", path, **fields)

    def delete(self, path: str, **fields: Any) -> ApiResponse:
        return self.call("DELETE", path, **fields)

    def login(self, username: str, password: str, **fields: Any) -> ApiResponse:
        return self.post(
            "session/login", provider="manual", username=username, password=password, **fields
        )

    def logout(self) -> ApiResponse:
        return self.post("session/logout")

    def keepalive(self) -> ApiResponse:
        return self.post("session/keepalive")
