"""Domain rules, one module per area; their tables are in `schema.sql`, under each module's name.

Functions here take an open sqlite3 connection (inside a `Database.write()` or
`.read()` block) and plain values; they know nothing of HTTP. They refuse with
`ApiError(status, hint)`.
"""
