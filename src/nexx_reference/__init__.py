"""Reference implementation of the nexx User endpoint contract (contracts/nexx-user.openapi.yaml).

Layers, each importing only the ones below it:

    cli.py / server.py   start the server (foreground / background thread)
    app.py               one Starlette route per contract operation with a handler
    http.py              request -> Call, Reply -> envelope; the order of checks
    context.py           domain (404), signature and session (401), session kind (403)
    validation.py        input rules of the contract (400), read from the contract
    routes/<area>.py     handlers: parse nothing, check nothing the contract says
    domain/<area>.py     the domain rules of one area (no HTTP)
    storage.py           SQLite: one connection per thread, WAL, BEGIN IMMEDIATE;
                         schema.sql, every table, created at start
    mail.py, sms.py      out-of-band channels (docs/conventions.md)

How to add an area (e.g. media lists):

1. Tables and rules: the area's tables in `schema.sql`, in a section named after its
   module (`CREATE TABLE IF NOT EXISTS ...`; a user's data has
   `user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE`, so /unregister
   removes it), created at start; its rules in `domain/<area>.py`.
   Functions take an open connection: `with call.db.write() as db: ...` (never `await`
   inside that block) and refuse with `ApiError(status, hint)`.
2. Routes: `routes/<area>.py` with one `async def <operationId>(call: Call) -> Reply`
   per operation, marked `@handler` (`from . import handler`).
   Every module of `routes/` is found at start; the contract gives the method and path,
   so a handler exists only for an operation the contract has. By the time a handler
   runs, the call is signed, its session is of the declared kind and `call.params`
   holds the path, query and form values, validated and typed (integers as int).
   `call.user_id` is the logged-in user; `call.caller.eternal` tells the eternal
   session; `call.services` has `mail`, `sms`, `passwords` and `settings`.
3. Results: `Reply(result, status=201, paging={...})`; the envelope is added for you.
   Result objects must match the contract's closed schemas exactly.
4. The profile (`User` result) of another area's data: define
   `profile_fields(db, user_id, params) -> dict` in your domain module
   (see domain/profile.py).
5. Tests: tests/reference/test_<area>.py, using the fixtures of tests/reference/conftest.py.
"""
