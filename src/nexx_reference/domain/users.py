"""Users of a domain: the table every user-owned table references, and its look-ups.

Other areas keep a user's data in their own tables (schema.sql) with
`user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE`, so /unregister,
which deletes the row here, deletes everything of that user.
"""

from __future__ import annotations

import sqlite3

# The details a user enters (register, registeranonymous, updatedata), as stored.
DETAIL_FIELDS = (
    "firstname",
    "lastname",
    "gender",
    "birthday",
    "phone",
    "language",
    "country",
    "newsletter",
)


def by_id(db: sqlite3.Connection, domain: int, user_id: int) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM users WHERE id = ? AND domain = ?", (user_id, domain)
    ).fetchone()


def by_login_name(db: sqlite3.Connection, domain: int, name: str) -> sqlite3.Row | None:
    """The user whose username or email is `name` (case-insensitive)."""
    return db.execute(
        "SELECT * FROM users WHERE domain = ? AND (username = ? OR email = ?) ORDER BY id LIMIT 1",
        (domain, name, name),
    ).fetchone()


def by_phone(db: sqlite3.Connection, domain: int, phone: str) -> sqlite3.Row | None:
    return db.execute(
        "SELECT * FROM users WHERE domain = ? AND phone = ? ORDER BY id LIMIT 1", (domain, phone)
    ).fetchone()


def by_provider_token(
    db: sqlite3.Connection, domain: int, provider: str, token: str
) -> sqlite3.Row | None:
    return db.execute(
        "SELECT users.* FROM users JOIN user_providers ON user_providers.user_id = users.id"
        " WHERE user_providers.domain = ? AND provider = ? AND token = ?",
        (domain, provider, token),
    ).fetchone()


def username_taken(db: sqlite3.Connection, domain: int, username: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM users WHERE domain = ? AND username = ?", (domain, username)
        ).fetchone()
        is not None
    )


def email_taken(db: sqlite3.Connection, domain: int, email: str) -> bool:
    return (
        db.execute("SELECT 1 FROM users WHERE domain = ? AND email = ?", (domain, email)).fetchone()
        is not None
    )


def provider_token_taken(db: sqlite3.Connection, domain: int, provider: str, token: str) -> bool:
    return by_provider_token(db, domain, provider, token) is not None


def login_names(db: sqlite3.Connection) -> list[str]:
    """Every user of every domain as `domain:username-or-email`, oldest first (the suite's
    end-of-run proof that its cleanup left nobody behind)."""
    rows = db.execute("SELECT domain, username, email, id FROM users ORDER BY id").fetchall()
    return [
        f"{row['domain']}:{row['username'] or row['email'] or '#' + str(row['id'])}" for row in rows
    ]


# Not a hash: set_password_hash writes whatever hash is stored.
ANY_HASH = object()


def set_password_hash(
    db: sqlite3.Connection, user_id: int, new_hash: str, *, only_over: object = ANY_HASH
) -> bool:
    """Stores a user's new password hash (the one write of it); with `only_over`, only if
    the stored hash is still that one. True when it was stored."""
    if only_over is ANY_HASH:
        query, values = "UPDATE users SET password_hash = ? WHERE id = ?", (new_hash, user_id)
    else:
        query = "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash IS ?"
        values = (new_hash, user_id, only_over)
    return bool(db.execute(query, values).rowcount)
