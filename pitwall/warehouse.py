"""The one module that opens the warehouse.

Readers attach the file read-only inside a private in-memory database. DuckDB caches
database instances by path, so a plain `connect(path)` after a swap would keep serving the
old file; attaching into a fresh in-memory instance always opens what is on disk now, while
connections to the old snapshot keep working until they are closed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_PATH = Path("data") / "warehouse.duckdb"
# Explicit limits keep the app within a small machine whatever DuckDB would guess.
READ_CONFIG = {"threads": 2, "memory_limit": "1GB"}
WRITE_CONFIG = {"threads": 2, "memory_limit": "4GB"}
TMP_MARK = ".pitwall-tmp-"


def default_path() -> Path:
    return Path(os.environ.get("PITWALL_WAREHOUSE") or DEFAULT_PATH)


def truth_path(warehouse: Path) -> Path:
    """Where the demo's ground truth is written: beside the warehouse."""
    return warehouse.with_suffix(".truth.json")


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=READ_CONFIG)
    con.execute("ATTACH ? AS w (READ_ONLY)", [str(path)])
    con.execute("USE w")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor for one thread; cursors do not inherit USE, so set it again."""
    cur = con.cursor()
    cur.execute("USE w")
    return cur


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


@dataclass
class Snapshot:
    con: duckdb.DuckDBPyConnection
    identity: tuple[int, int]


class Warehouse:
    """A read-only view of the warehouse that follows atomic swaps.

    `cursor()` returns a cursor on the newest file on disk. A swapped-out snapshot is left
    for the garbage collector, so a query already running on it finishes undisturbed.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        ident = _identity(self.path)
        if ident is None:
            raise FileNotFoundError(f"No warehouse at {self.path}")
        with self._lock:
            if self._snap is None or self._snap.identity != ident:
                self._snap = Snapshot(open_readonly(self.path), ident)
            return cursor(self._snap.con)


def temp_path_for(path: Path) -> Path:
    # pid first: clean_leftovers reads it to tell a dead load's file from a live one's
    return path.with_name(f"{TMP_MARK}{path.name}.{os.getpid()}.{threading.get_ident()}")


@contextlib.contextmanager
def load_lock(path: Path):
    """One load at a time per warehouse, across threads and processes. A second load waits
    for the first and then starts from its result, so it keeps the tables the first loaded."""
    # the lock is held on the warehouse's folder: no lock file to leave behind, and the
    # kernel releases it when a load dies
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def swap_in(tmp: Path, path: Path) -> None:
    """Atomically replace `path` with the finished file `tmp` (same directory)."""
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_leftovers(path: Path) -> list[Path]:
    """Remove temporary files of loads that died (their process is gone)."""
    removed = []
    for tmp in path.parent.glob(f"{TMP_MARK}{path.name}.*"):
        pid_text = tmp.name[len(f"{TMP_MARK}{path.name}.") :].split(".")[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_tables(path: Path, frames: dict) -> None:
    """Replace the tables `frames` (name -> DataFrame) in the warehouse the way a load
    does: copy the file, write the copy, swap it in; a failure leaves the warehouse as it
    was. Jobs (a model's training) store their results with it."""
    import shutil

    with load_lock(path):
        clean_leftovers(path)
        tmp = temp_path_for(path)
        shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp), config=WRITE_CONFIG)
        try:
            for name, frame in frames.items():
                con.register("frame", frame)
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM frame')
                con.unregister("frame")
            con.execute("CHECKPOINT")
            con.close()
            swap_in(tmp, path)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            for p in (tmp, tmp.with_name(tmp.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            raise
