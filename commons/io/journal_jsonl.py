"""Where a post's entries come from: a JSON Lines file or the host's iterable, in chunks.

Each line becomes a validated ``Entry``, reduced to plain values (``Prepared``) with its content
hash, or the ``CommonsError`` that refused it, located at its line. One chunk at a time is held
(a few when a worker reads ahead), so memory does not grow with the file.

A large file is parsed in a second process while this one checks and writes what it has
already received: parsing and writing each cost about half of a post, and the two cores of a
small server then share the work. Plain tuples cross between the processes cheaply (see
``plain_prepared``); the worker's refusals cross as the errors themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from commons.errors import CommonsError
from commons.files import batched, parse_json_line, text_lines
from commons.io.worker import in_worker
from commons.ledger.journal import Entry, PlainPrepared, Prepared, named, plain_prepared, prepare

__all__ = ["CHUNK", "PARALLEL_FROM_BYTES", "Item", "chunks"]

CHUNK = 2000  # entries checked against the journal per query and written per executemany
PARALLEL_FROM_BYTES = 4 << 20  # below ~20,000 entries, starting a worker costs more than it saves

T = TypeVar("T")
Item = tuple[int | None, Prepared | CommonsError, int]  # line, entry or refusal, bytes read
Sent = tuple[int | None, PlainPrepared | CommonsError, int]  # an Item as the worker sends it


def _prepare_lines(file: str, lines: list[tuple[int, str]], actor: str,
                   reduce: Callable[[Entry], T]) -> list[tuple[int | None, T | CommonsError, int]]:
    out: list[tuple[int | None, T | CommonsError, int]] = []
    for number, text in lines:
        try:
            out.append((number, reduce(Entry.from_record(parse_json_line(text), actor=actor)),
                        len(text.encode())))
        except CommonsError as e:
            out.append((number, e.located(file=file, line=number), len(text.encode())))
    return out


def _file_chunks(path: str, encoding: str | None, actor: str, reduce: Callable[[Entry], T]
                 ) -> Iterator[list[tuple[int | None, T | CommonsError, int]]]:
    """The file's entries, each reduced by ``reduce``, in chunks of ``CHUNK``."""
    for lines in batched(text_lines(path, encoding=encoding), CHUNK):
        yield _prepare_lines(path, lines, actor, reduce)


def chunks(source: str | Path | Iterable[Entry | Prepared], encoding: str | None, actor: str,
           *, workers: int = 1) -> Iterator[list[Item]]:
    """The source's entries, prepared, in chunks of ``CHUNK``; entries without an actor get
    ``actor`` (one a use case gave already prepared, see ``prepared_of``, is taken as it is).
    With ``workers`` above 1, a file of at least ``PARALLEL_FROM_BYTES`` is parsed in a worker
    process."""
    if isinstance(source, str | Path):
        path = str(source)
        if workers > 1 and os.path.getsize(path) >= PARALLEL_FROM_BYTES:
            yield from _worker_chunks(path, encoding, actor)
        else:
            yield from _file_chunks(path, encoding, actor, prepare)
        return
    for batch in batched(enumerate(source, start=1), CHUNK):
        yield [(index, entry if not isinstance(entry, Entry) else
                prepare(entry if entry.actor else attrs.evolve(entry, actor=actor)), 0)
               for index, entry in batch]


def _plain_chunks(path: str, encoding: str | None, actor: str
                  ) -> Iterator[list[tuple[int | None, PlainPrepared | CommonsError, int]]]:
    """The file's entries as plain tuples, which cross between processes cheaply."""
    return _file_chunks(path, encoding, actor, plain_prepared)


def _worker_chunks(path: str, encoding: str | None, actor: str) -> Iterator[list[Item]]:
    sent: list[Sent]
    for sent in in_worker(_plain_chunks, (path, encoding, actor), name="commons-post-parser",
                          verb=("post", "posted")):
        yield [(line, item if isinstance(item, CommonsError) else named(item), size)
               for line, item, size in sent]
