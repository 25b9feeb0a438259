"""Where a post's entries come from: a JSON Lines file or the host's iterable, in chunks.

Each line becomes a validated ``Entry``, reduced to plain values (``Prepared``) with its content
hash, or the ``CommonsError`` that refused it, located at its line. One chunk at a time is held,
so memory does not grow with the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from commons.errors import CommonsError
from commons.files import parse_json_line, text_lines
from commons.ledger.journal import Entry, Prepared, prepare

__all__ = ["CHUNK", "Item", "chunks"]

CHUNK = 2000  # entries checked against the journal per query and written per executemany

T = TypeVar("T")
Item = tuple[int | None, Prepared | CommonsError, int]  # line, entry or refusal, bytes read


def _prepare_lines(file: str, lines: list[tuple[int, str]], actor: str) -> list[Item]:
    out: list[Item] = []
    for number, text in lines:
        try:
            out.append((number, prepare(Entry.from_record(parse_json_line(text), actor=actor)),
                        len(text.encode())))
        except CommonsError as e:
            out.append((number, e.located(file=file, line=number), len(text.encode())))
    return out


def _batched(items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def chunks(source: str | Path | Iterable[Entry], encoding: str | None,
           actor: str) -> Iterator[list[Item]]:
    """The source's entries, prepared, in chunks of ``CHUNK``; entries without an actor get
    ``actor``."""
    if isinstance(source, str | Path):
        path = str(source)
        for lines in _batched(text_lines(path, encoding=encoding)):
            yield _prepare_lines(path, lines, actor)
        return
    for batch in _batched(enumerate(source, start=1)):
        yield [(index, prepare(entry if entry.actor else attrs.evolve(entry, actor=actor)), 0)
               for index, entry in batch]
