"""Domain rules, one module per area, each with its tables (`SCHEMA`) and its rules.

Functions here take an open sqlite3 connection (inside a `Database.write()` or
`.read()` block) and plain values; they know nothing of HTTP. They refuse with
`ApiError(status, hint)`.
"""
