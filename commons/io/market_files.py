"""The marketplace's event feed: JSON Lines, one order event a line, as a host's mini-program
sends them (see docs/formats.md), and the canonical text an event is recorded by."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.fields import parse_id
from commons.files import open_text
from commons.io.journal_jsonl import PARALLEL_FROM_BYTES
from commons.io.worker import in_worker
from commons.market.model import parse_channel
from commons.market.orders import CHINA, EventType, EventValues, OrderEvent
from commons.money import Money
from commons.periods import read_datetime

__all__ = ["EVENT_FIELDS", "Item", "event_content", "event_from_record", "read_events",
           "same_but_time"]

EVENT_FIELDS = ("id", "type", "order", "at", "service", "household", "resident", "units",
                "channel", "refund", "stars", "comment")
_TYPES = ", ".join(t.value for t in EventType)
_TYPE_BY_VALUE = {t.value: t for t in EventType}
_FIELD_SET = frozenset(EVENT_FIELDS)
# One encoder for every event's content: json.dumps with options builds a new one each call,
# which a feed of a million events pays a million times.
_CONTENT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"the event has no {key}", field=key,
                               fix=f"give every event its {key}")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{key} {value!r} is not text", field=key,
                           fix=f'write {key} as a JSON string, e.g. "{key}": "..."')
    return value


def _whole(record: Mapping[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{key} {value!r} is not a whole number", field=key,
                           fix=f"write {key} as a whole number, e.g. 1")
    return value


def _instant(text: str) -> dt.datetime:
    at = read_datetime(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=CHINA)


def _refund(text: str) -> Money | None:
    return None if text == "full" else Money.parse(text)


# The optional text fields and their parsers, in the order they are checked; a feed's event
# names only a few of them, and only those given are looked at.
_OPTIONAL = (("service", parse_id), ("household", parse_id), ("resident", parse_id),
             ("channel", parse_channel), ("refund", _refund))


def event_from_record(record: Mapping[str, Any]) -> OrderEvent:
    """One event from its JSON object; errors name the field. A time with no offset is
    local (Asia/Shanghai)."""
    if not isinstance(record, Mapping):
        raise InvalidInput("the line is not a JSON object", fix='write {"id": ..., ...}')
    if not _FIELD_SET.issuperset(record):
        unknown = sorted(set(record) - _FIELD_SET)
        raise InvalidInput(f"unknown field {unknown[0]!r}", field=unknown[0],
                           fix=f"use only {', '.join(EVENT_FIELDS)}")
    kind = _TYPE_BY_VALUE.get(_text(record, "type", required=True) or "")
    if kind is None:
        raise InvalidInput(f"event type {record['type']!r} is not one of {_TYPES}",
                           field="type", fix=f"write one of {_TYPES}")
    fields: dict[str, Any] = {}
    for key, parse in _OPTIONAL:
        if record.get(key) is not None:
            try:
                fields[key] = parse(_text(record, key) or "")
            except CommonsError as e:
                raise e.located(field=key) from None
    try:
        at = _instant(_text(record, "at", required=True) or "")
    except CommonsError as e:
        raise e.located(field="at") from None
    for key in ("units", "stars"):
        if record.get(key) is not None:
            fields[key] = _whole(record, key)
    if record.get("comment") is not None:
        fields["comment"] = _text(record, "comment")
    return OrderEvent(parse_id(_text(record, "id", required=True) or ""), kind,
                      parse_id(_text(record, "order", required=True) or ""), at, **fields)


def event_content(event: OrderEvent) -> str:
    """The text an event is recorded by: every field but the id, so the same id sent again
    with the same content is recognised (and with other content refused)."""
    return _CONTENT([event.type.value, event.order, event.at.isoformat(), event.service,
                     event.household, event.resident, event.units, event.channel,
                     None if event.refund is None else event.refund.fen, event.stars,
                     event.comment])


def same_but_time(recorded: str, content: str) -> bool:
    """Whether two of ``event_content``'s texts differ in the event's time at most: an event
    sent again by hand, with no time given, is the same event."""
    def without_time(text: str) -> list[object]:
        fields: list[object] = json.loads(text)
        return fields[:2] + fields[3:]  # the type, the order, then all after the time

    return without_time(recorded) == without_time(content)


# A line, its event's values (see EventValues) or its refusal, and the event's content.
Item = tuple[int | None, EventValues | CommonsError, str]
# An event as plain values, which cross between processes cheaply: the fields of OrderEvent
# in order, its type and time as text (a datetime's zone is pickled anew each time) and its
# refund in fen.
Plain = tuple[str, str, str, str, str | None, str | None, str | None, int, str,
              int | None, int | None, str]


def _events(file: str, encoding: str | None, size: int
            ) -> Iterator[list[tuple[int | None, OrderEvent | CommonsError]]]:
    """The file's events in chunks of ``size`` lines, each with its line, or its refusal."""
    chunk: list[tuple[int | None, OrderEvent | CommonsError]] = []
    with open_text(file, encoding) as f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                try:
                    record = json.loads(text)
                except ValueError as e:
                    raise InvalidInput(f"the line is not JSON ({e.args[0]})",
                                       fix="write one JSON object a line",
                                       code=ErrorCode.MALFORMED_FILE) from None
                chunk.append((number, event_from_record(record)))
            except CommonsError as e:
                chunk.append((number, e.located(file=file, line=number)))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _plain(e: OrderEvent) -> Plain:
    return (e.id, e.type.value, e.order, e.at.isoformat(), e.service, e.household, e.resident,
            e.units, e.channel, None if e.refund is None else e.refund.fen, e.stars, e.comment)


def _values(p: Plain) -> EventValues:
    """The values of the event the worker checked (built as an OrderEvent, validated, there):
    building it again here would repeat every check for nothing."""
    return (p[0], _TYPE_BY_VALUE[p[1]], p[2], dt.datetime.fromisoformat(p[3]), p[4], p[5],
            p[6], p[7], p[8], None if p[9] is None else Money(p[9]), p[10], p[11])


def _plain_chunks(file: str, encoding: str | None, size: int
                  ) -> Iterator[list[tuple[int | None, Plain | CommonsError, str]]]:
    """What the worker sends: each event as plain values with its content, or its refusal."""
    for chunk in _events(file, encoding, size):
        yield [(line, e, "") if isinstance(e, CommonsError) else
               (line, _plain(e), event_content(e)) for line, e in chunk]


def read_events(path: str | Path, encoding: str | None = None, *, size: int = 10_000,
                workers: int = 1) -> Iterator[list[Item]]:
    """A JSONL feed's events, as their values, in chunks of ``size`` lines, each with its line
    and the content it is recorded by; a line that is refused comes as its error (and no
    content), located by file, line and field. Blank lines are skipped. With ``workers`` above
    1, a file of at least ``PARALLEL_FROM_BYTES`` is parsed in a worker process."""
    file = str(path)  # import_events has refused a missing file, or a folder, by name
    if workers > 1 and os.path.getsize(file) >= PARALLEL_FROM_BYTES:
        sent: list[tuple[int | None, Plain | CommonsError, str]]
        for sent in in_worker(_plain_chunks, (file, encoding, size),
                              name="commons-market-parser", verb=("import", "imported")):
            yield [(line, p if isinstance(p, CommonsError) else _values(p), content)
                   for line, p, content in sent]
        return
    for chunk in _events(file, encoding, size):
        yield [(line, e, "") if isinstance(e, CommonsError) else
               (line, e.values(), event_content(e)) for line, e in chunk]
