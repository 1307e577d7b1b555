"""SQLite storage: one database file, with the tables of `schema.sql`.

Every table is in `schema.sql` (`CREATE TABLE IF NOT EXISTS ...`), created at start, each
beside the name of the domain module whose rules use it. Tables of a user's data reference
`users(id) ON DELETE CASCADE`, so deleting the user deletes their data.

Concurrency: each thread gets its own connection; the database runs in WAL mode
(synchronous=NORMAL: commits do not wait for the disk) so readers never wait for the writer, and every write is one short `BEGIN IMMEDIATE`
transaction, so two writers are serialised instead of overwriting each other. A
transaction must never span an `await`: open it, read and write, leave it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
SCHEMA = Path(__file__).with_name("schema.sql")


class Database:
    def __init__(self, path: str | None = None) -> None:
        self._owns_file = path is None
        if path is None:
            handle, path = tempfile.mkstemp(prefix="nexx-reference-", suffix=".sqlite3")
            os.close(handle)
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Outside any transaction: inside one (as it was, in `write`) SQLite leaves the journal
        # mode as it is, and the database ran in rollback-journal mode, two fsyncs a commit.
        mode = self._connection().execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise RuntimeError(f"SQLite refused WAL mode for {path} (journal mode {mode})")
        # All tables in one transaction: statement by statement, each was its own commit
        # and fsync, a third of a second for every server start.
        self._connection().executescript(f"BEGIN;\n{SCHEMA.read_text(encoding='utf-8')}\nCOMMIT;")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, nothing implicit.
            connection = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # WAL's own recommendation: a commit no longer waits for an fsync, only a
            # checkpoint does. A crash of the server loses nothing; only the machine losing
            # power may lose the last transactions, never the database's consistency. Each
            # commit's fsync was 40 % of the reference server's busy time in a suite run
            # (benchmarks/README.md, "Reference server in a suite run").
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction (BEGIN IMMEDIATE): committed on exit, rolled back on error."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One consistent read snapshot (a deferred transaction)."""
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        if self._owns_file:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(self.path + suffix)
                except FileNotFoundError:
                    pass
