"""Group commit on SQLite (dorsi.store.group_commit): shared commits, isolated failures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from dorsi.store.db import Database
from dorsi.store.group_commit import GroupCommitter


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database.from_url(f"sqlite:///{tmp_path / 'group.sqlite3'}")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)"))
    return db


def values(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT v FROM t ORDER BY id"))]


def test_a_lone_unit_commits_at_once(database: Database) -> None:
    with database.transaction() as session:
        session.execute(text("INSERT INTO t (v) VALUES ('a')"))
    assert values(database.engine) == ["a"]  # visible to another connection: committed
    assert database.group is not None
    assert (database.group.commits, database.group.units) == (1, 1)


def test_a_failing_unit_undoes_only_its_own_writes(database: Database) -> None:
    with database.transaction() as session:
        session.execute(text("INSERT INTO t (v) VALUES ('kept')"))

    def failing() -> None:
        with database.transaction() as session:
            session.execute(text("INSERT INTO t (v) VALUES ('undone')"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    with database.transaction() as session:
        session.execute(text("INSERT INTO t (v) VALUES ('after')"))
    assert values(database.engine) == ["kept", "after"]


def test_units_that_queue_share_commits_and_all_land(database: Database) -> None:
    group = database.group
    assert group is not None
    start = threading.Barrier(16)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        start.wait()
        for i in range(25):
            try:
                with database.transaction() as session:
                    session.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"{n}-{i}"})
                    if i % 5 == 4:  # every fifth unit fails after writing: undone alone
                        session.execute(text("INSERT INTO t (v) VALUES ('dup')"))
                        session.execute(text("INSERT INTO t (v) VALUES ('dup')"))
            except Exception as exc:
                failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = values(database.engine)
    expected = {f"{n}-{i}" for n in range(16) for i in range(25) if i % 5 != 4}
    assert set(stored) == expected
    assert len(stored) == len(expected)
    assert len(failures) == 16 * 5  # the unique constraint, each time
    assert group.units == len(expected)
    assert group.commits < group.units  # some commits held several units


def test_a_failed_commit_fails_every_unit_of_its_batch(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = GroupCommitter(database.engine)
    from sqlalchemy.engine import RootTransaction

    def broken_commit(self: RootTransaction) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(RootTransaction, "commit", broken_commit)

    def write() -> None:
        with group.unit() as session:
            session.execute(text("INSERT INTO t (v) VALUES ('lost')"))

    with pytest.raises(OSError, match="disk full"):
        write()
    monkeypatch.undo()
    assert values(database.engine) == []
    with group.unit() as session:  # the committer is usable again
        session.execute(text("INSERT INTO t (v) VALUES ('next')"))
    assert values(database.engine) == ["next"]
