"""The reference server's SQLite database: write-ahead log, commits that do not wait for the disk."""

from nexx_reference.storage import Database


def test_database_runs_in_wal_mode_with_normal_sync(tmp_path):
    db = Database(str(tmp_path / "reference.sqlite3"))
    try:
        with db.read() as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            # 1 = NORMAL: in WAL mode a commit does not fsync, a checkpoint does.
            assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1
    finally:
        db.close()


def test_a_write_is_seen_by_another_threads_connection(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    db = Database(str(tmp_path / "reference.sqlite3"))
    try:
        with db.write() as connection:
            connection.execute("CREATE TABLE seen (x)")
            connection.execute("INSERT INTO seen VALUES (1)")

        def count() -> int:
            with db.read() as other:
                return other.execute("SELECT count(*) FROM seen").fetchone()[0]

        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(count).result() == 1
    finally:
        db.close()
