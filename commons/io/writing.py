"""Writing a file safely: every file commons writes (exports, manifests, the disclosure, reject
files) goes through ``replacing``.

The text is written to a new file beside the target, made with ``O_EXCL | O_NOFOLLOW`` under a
name nobody else holds, and renamed over the target only when it is complete. So a failure (a
full disk) leaves no partial file, and a symlink at the target, or at any name beside it, is
never written through: the rename replaces the link itself. ``guard`` refuses a target that is
the database (or its ``-wal``/``-shm`` file), and one that exists unless ``force`` is given.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from commons.errors import CommonsError, ConflictError, ErrorCode, InvalidInput

__all__ = ["database_files", "guard", "replacing"]

_MODE = 0o666  # narrowed by the umask, as open() would
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def database_files(database: str | Path) -> tuple[Path, ...]:
    """The files SQLite keeps for ``database``: the file itself and its WAL and shared memory."""
    if str(database) == ":memory:":
        return ()
    db = Path(database)
    return (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))


def _same(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # a hard link, or another name for the same folder
    except OSError:
        return False


def guard(targets: Iterable[Path], *, protected: Iterable[Path] = (), force: bool = False,
          field: str = "--out") -> None:
    """Refuse to write any of ``targets`` that is one of the ``protected`` files (the
    database's), or that exists (a symlink too) unless ``force``."""
    kept = tuple(protected)
    for target in targets:
        if any(_same(target, p) for p in kept):
            raise InvalidInput(f"{target} is the database or one of its files; writing it "
                               "would destroy the books", field=field,
                               fix="write the file under another name",
                               code=ErrorCode.UNSAFE_OUTPUT)
        if not force and (target.exists() or target.is_symlink()):
            raise ConflictError(f"{target} already exists", field=field,
                                fix="choose another name, or ask for it to be replaced (force)",
                                code=ErrorCode.OUTPUT_EXISTS)


def _new_file(path: Path) -> tuple[int, Path]:
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(temp, _FLAGS, _MODE), temp
        except FileExistsError:
            continue


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A new binary file (readable too) beside ``path``, synced to disk and moved over
    ``path`` when the block succeeds; on any failure the new file is removed and ``path``
    left as it was. An ``OSError`` (a full disk, a read-only folder) becomes a
    ``CommonsError`` naming the file."""
    temp: Path | None = None
    try:
        fd, temp = _new_file(path)
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        temp = None
    except OSError as e:
        raise CommonsError(f"could not write {path}: {e.strerror or e}",
                           file=str(path),
                           fix="free some disk space or choose a writable folder; "
                               "nothing was left half-written",
                           code=ErrorCode.WRITE_FAILED) from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
