"""The matching engine: bank statement lines against the book postings of one bank account.

Deterministic passes, each over what the earlier ones left:

1. ``reference``: a line's bank or payment reference equals a posting's entry external id, with
   the same amount (or the entry's postings on the account summing to it);
2. ``amount-date``: the same amount within the date window, all pairs zero days apart first,
   then one day, and so on (the book date before the bank date at equal distance); where equal
   amounts crowd together so that this would leave pairs unmade, they are paired in date order;
3. ``many-to-one``: one line for several postings (a day's parking takings banked as one
   deposit): all of one day's postings, else at most ``max_parts`` of the ``max_candidates``
   nearest; then ``one-to-many``, one posting paid or received in several lines, alike. Here
   a posting is never dated after the lines it is matched to: takings are banked after they
   are taken, and a payment clears after it is booked.

The window (a ``DateWindow``) is N days, or a signed range of the book date minus the bank
date that the user gives to override the rule of pass 3 in every pass; ``_span`` alone turns
it into the days each pass looks at.

Each pass indexes by amount and date (hash maps, sorted lists and bisection), so the cost grows
like n log n; the subset search of pass 3 is bounded per line. A line and a posting are each
matched at most once. Everything here is pure: values in, matches out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TypeVar

import attrs

from commons.errors import InvalidInput

__all__ = [
    "KINDS",
    "MAX_WINDOW_DAYS",
    "BankItem",
    "BookItem",
    "DateWindow",
    "MatchFound",
    "match_items",
]

MAX_WINDOW_DAYS = 366
KINDS = ("reference", "amount-date", "many-to-one", "one-to-many")
_SCAN_LIMIT = 256  # items looked at around one date in pass 3, matched or not
PostingKey = tuple[int, int]  # (entry_id, seq): a posting's identity
# The days, relative to a target's day, on which pool items may fall: (first, last) offsets.
_Span = tuple[int, int]


@attrs.frozen
class BankItem:
    """A statement line as the engine sees it: id, booking date, fen, references it carries."""

    line_id: int
    booked_on: dt.date
    amount_fen: int
    references: tuple[str, ...] = ()


@attrs.frozen
class BookItem:
    """A book posting to the bank account: its (entry id, seq), date, fen, entry external id."""

    entry_id: int
    seq: int
    date: dt.date
    amount_fen: int
    external_id: str = ""

    @property
    def key(self) -> PostingKey:
        """The posting's key: its entry id and place in the entry."""
        return (self.entry_id, self.seq)


@attrs.frozen
class MatchFound:
    """Lines and postings the engine matched; their amounts sum to the same fen."""

    kind: str
    line_ids: tuple[int, ...]
    postings: tuple[PostingKey, ...]


@attrs.frozen
class DateWindow:
    """How many days a book posting's date may lie from a bank line's: ``low`` to ``high`` of
    the book date minus the bank date. Given as N (``signed`` False), pass 2 looks N days
    either way and pass 3 only back in time; given as a signed range ``LOW:HIGH``, every pass
    looks from ``low`` to ``high`` (``-2:5``: book dates 2 days before to 5 days after)."""

    low: int
    high: int
    signed: bool = False

    @classmethod
    def of(cls, value: DateWindow | int | str) -> DateWindow:
        """The window of a number of days or of the text ``N`` or ``LOW:HIGH``; a malformed
        or out-of-range one raises ``InvalidInput`` (field ``window_days``)."""
        if isinstance(value, DateWindow):
            return value
        text = str(value).strip() if type(value) in (int, str) else ""
        low_text, colon, high_text = text.partition(":")
        if colon:
            low, high = _days(low_text, text), _days(high_text, text)
            if low > high:
                raise _bad_window(text, "its first day is after its last")
            return cls(low, high, signed=True)
        days = _days(text, text)
        if days < 0:
            raise _bad_window(text, "a single number of days cannot be negative")
        return cls(-days, days)

    @property
    def reach(self) -> int:
        """The most days the window looks away from a date, either way."""
        return max(-self.low, self.high)

    def __str__(self) -> str:
        return f"{self.low}:{self.high}" if self.signed else str(self.high)


def _days(part: str, text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]{1,4}", part.strip()):
        raise _bad_window(text, f"{part.strip() or 'nothing'!r} is not a whole number of days")
    days = int(part)
    if abs(days) > MAX_WINDOW_DAYS:
        raise _bad_window(text, f"{days} days is more than {MAX_WINDOW_DAYS}")
    return days


def _bad_window(text: str, why: str) -> InvalidInput:
    return InvalidInput(f"date window {text[:40]!r} is not valid: {why}", field="window_days",
                        fix=f"give N (0 to {MAX_WINDOW_DAYS} days) or a signed range LOW:HIGH "
                            "of the book date minus the bank date, e.g. -3:0 or -2:5",
                        context={"kind": "window"})


K = TypeVar("K", int, PostingKey)
T = TypeVar("T", int, PostingKey)
# (ordinal day, id, fen): what pass 3 needs of a line or a posting, either side.
_Item = tuple[int, K, int]


class _Free:
    """The lines and postings not matched yet, and the matches made."""

    def __init__(self, lines: Iterable[BankItem], postings: Iterable[BookItem]) -> None:
        self.lines = {line.line_id: line for line in
                      sorted(lines, key=lambda x: (x.booked_on, x.line_id))}
        self.postings = {p.key: p for p in sorted(postings, key=lambda x: (x.date, x.key))}
        self.found: list[MatchFound] = []

    def take(self, kind: str, line_ids: Sequence[int], keys: Sequence[PostingKey]) -> None:
        for line_id in line_ids:
            del self.lines[line_id]
        for key in keys:
            del self.postings[key]
        self.found.append(MatchFound(kind, tuple(line_ids), tuple(keys)))


def _by_reference(free: _Free) -> None:
    by_external: dict[str, list[BookItem]] = defaultdict(list)
    for posting in free.postings.values():
        if posting.external_id:
            by_external[posting.external_id].append(posting)
    for line in list(free.lines.values()):
        for reference in line.references:
            candidates = [p for p in by_external.get(reference, ()) if p.key in free.postings]
            single = next((p for p in candidates if p.amount_fen == line.amount_fen), None)
            if single is not None:
                free.take("reference", [line.line_id], [single.key])
                break
            if len(candidates) > 1 and sum(p.amount_fen for p in candidates) == line.amount_fen:
                free.take("reference", [line.line_id], [p.key for p in candidates])
                break


def _closest_first(lines: list[BankItem], postings: list[BookItem],
                   span: _Span) -> list[tuple[BankItem, BookItem]]:
    """Pairs of one amount: every pair zero days apart first, then one day, and so on."""
    buckets: dict[int, deque[BookItem]] = defaultdict(deque)
    for posting in postings:
        buckets[posting.date.toordinal()].append(posting)
    taken: set[PostingKey] = set()
    pairs: dict[int, tuple[BankItem, BookItem]] = {}
    for distance in range(max(-span[0], span[1]) + 1):
        offsets = [o for o in ((-distance, distance) if distance else (0,))
                   if span[0] <= o <= span[1]]
        for line in lines:
            if line.line_id in pairs:
                continue
            day = line.booked_on.toordinal()
            for offset in offsets:
                bucket = buckets.get(day + offset)
                while bucket and bucket[0].key in taken:
                    bucket.popleft()
                if bucket:
                    posting = bucket.popleft()
                    taken.add(posting.key)
                    pairs[line.line_id] = (line, posting)
                    break
    return sorted(pairs.values(), key=lambda pair: (pair[0].booked_on, pair[0].line_id))


def _in_date_order(lines: list[BankItem], postings: list[BookItem],
                   span: _Span) -> list[tuple[BankItem, BookItem]]:
    """Pairs of one amount walked in date order on both sides: the most pairs there can be."""
    pairs = []
    i = j = 0
    while i < len(lines) and j < len(postings):
        offset = (postings[j].date - lines[i].booked_on).days
        if span[0] <= offset <= span[1]:
            pairs.append((lines[i], postings[j]))
            i += 1
            j += 1
        elif offset > span[1]:
            i += 1
        else:
            j += 1
    return pairs


def _by_amount_and_date(free: _Free, window: DateWindow) -> None:
    """Pass 2, one amount at a time. Closest dates first; should that leave pairs unmade that
    a walk in date order would make (equal amounts on nearby days), the walk is taken."""
    span = _span(window, pool_is_book=True, batched=False)
    postings_of: dict[int, list[BookItem]] = defaultdict(list)
    for posting in free.postings.values():  # in (date, entry, seq) order
        postings_of[posting.amount_fen].append(posting)
    lines_of: dict[int, list[BankItem]] = defaultdict(list)
    for line in free.lines.values():
        lines_of[line.amount_fen].append(line)
    for fen, lines in lines_of.items():
        postings = postings_of.get(fen)
        if not postings:
            continue
        if len(lines) == 1 and len(postings) == 1:
            near = span[0] <= (postings[0].date - lines[0].booked_on).days <= span[1]
            pairs = [(lines[0], postings[0])] if near else []
        else:
            pairs = _closest_first(lines, postings, span)
            if len(pairs) < min(len(lines), len(postings)):
                walked = _in_date_order(lines, postings, span)
                pairs = walked if len(walked) > len(pairs) else pairs
        for line, posting in pairs:
            free.take("amount-date", [line.line_id], [posting.key])


def _span(window: DateWindow, *, pool_is_book: bool, batched: bool) -> _Span:
    """The days, relative to a target's day, on which pool items may fall: the one place the
    date rule is kept. A signed range given by the user holds in every pass. Otherwise pass 2
    pairs one line and one posting up to N days apart either way, while in pass 3 a day's
    takings are banked on or after the day they are taken, never before, and a payment clears
    on or after the day it is booked: book postings lie up to N days before a line, lines up
    to N days after a posting."""
    low, high = window.low, window.high
    if not window.signed and batched:
        high = 0
    return (low, high) if pool_is_book else (-high, -low)


def _nearest(pool: list[_Item[K]], days: list[int], free: set[K], day: int, fen: int,
             span: _Span, limit: int) -> list[_Item[K]]:
    """Up to ``limit`` free pool items of ``fen``'s sign and smaller size within ``span`` of
    ``day``, nearest first, looking at no more than ``_SCAN_LIMIT`` items."""
    low = bisect.bisect_left(days, day + span[0])
    high = bisect.bisect_right(days, day + span[1])
    centre = bisect.bisect_left(days, day, low, high)
    left, right = centre - 1, centre
    out: list[_Item[K]] = []
    scanned = 0
    while (left >= low or right < high) and len(out) < limit and scanned < _SCAN_LIMIT:
        take_left = right >= high or (left >= low and day - days[left] <= days[right] - day)
        index = left if take_left else right
        if take_left:
            left -= 1
        else:
            right += 1
        scanned += 1
        item = pool[index]
        if item[1] in free and item[2] * fen > 0 and abs(item[2]) < abs(fen):
            out.append(item)
    return out


def _subset(candidates: list[_Item[K]], day: int, fen: int,
            max_parts: int) -> list[_Item[K]] | None:
    """The fewest candidates summing to ``fen``, nearest in date among equals; None if none."""
    values = [c[2] for c in candidates]
    pairs = {a + b for a, b in combinations(values, 2)}
    for size in range(2, min(max_parts, len(candidates)) + 1):
        if not _may_sum(values, pairs, fen, size):
            continue
        best: tuple[int, list[_Item[K]]] | None = None
        for combo in combinations(candidates, size):
            if sum(c[2] for c in combo) == fen:
                spread = sum(abs(c[0] - day) for c in combo)
                if best is None or spread < best[0]:
                    best = (spread, list(combo))
        if best is not None:
            return best[1]
    return None


def _may_sum(values: list[int], pairs: set[int], fen: int, size: int) -> bool:
    """False only if no ``size`` of ``values`` can sum to ``fen`` (a test on the sums of pairs
    that spares most lines the search of every combination, which costs a millisecond each)."""
    if size == 2:
        return fen in pairs
    if size == 3:
        return any(fen - v in pairs for v in values)
    if size == 4:
        return any(fen - p in pairs for p in pairs)
    return True


def _groups(targets: Iterable[tuple[int, T, int]], pool: list[_Item[K]], free: set[K],
            span: _Span, max_parts: int, max_candidates: int) -> list[tuple[T, list[K]]]:
    """For each target, pool items that sum to it: one day's items whole, else a bounded
    subset. ``pool`` is in date order; ``free`` holds its unmatched ids and loses those matched."""
    days = [item[0] for item in pool]
    by_day: dict[int, list[_Item[K]]] = defaultdict(list)
    # (day, sign) -> [count, fen] of the free items: testing a day whole is then O(1), where
    # summing its bucket for every target made one crowded day cost n squared.
    day_sums: dict[tuple[int, bool], list[int]] = defaultdict(lambda: [0, 0])
    for item in pool:
        by_day[item[0]].append(item)
        if item[2] and item[1] in free:
            sums = day_sums[(item[0], item[2] > 0)]
            sums[0] += 1
            sums[1] += item[2]
    out: list[tuple[T, list[K]]] = []
    for day, target, fen in targets:
        chosen = _whole_day(by_day, day_sums, free, day, fen, span) if fen else None
        if chosen is None:
            near = _nearest(pool, days, free, day, fen, span, max_candidates)
            chosen = _subset(near, day, fen, max_parts)
        if chosen:
            free.difference_update(item[1] for item in chosen)
            for item in chosen:
                sums = day_sums[(item[0], item[2] > 0)]
                sums[0] -= 1
                sums[1] -= item[2]
            out.append((target, [item[1] for item in chosen]))
    return out


def _whole_day(by_day: dict[int, list[_Item[K]]], day_sums: dict[tuple[int, bool], list[int]],
               free: set[K], day: int, fen: int, span: _Span) -> list[_Item[K]] | None:
    """All free items of ``fen``'s sign on the nearest day within ``span`` whose items (two
    or more) sum to ``fen``; None if no day does. A day matched whole has none of that sign
    left, so its bucket is listed at most twice in all."""
    for distance in range(max(-span[0], span[1]) + 1):
        for offset in ((-distance, distance) if distance else (0,)):
            if not span[0] <= offset <= span[1]:
                continue
            count, total = day_sums.get((day + offset, fen > 0), (0, 0))
            if count > 1 and total == fen:
                return [i for i in by_day[day + offset] if i[1] in free and i[2] * fen > 0]
    return None


def _batched(free: _Free, window: DateWindow, max_parts: int, max_candidates: int) -> None:
    lines = [(x.booked_on.toordinal(), x.line_id, x.amount_fen) for x in free.lines.values()]
    pool = [(p.date.toordinal(), p.key, p.amount_fen) for p in free.postings.values()]
    for line_id, keys in _groups(lines, pool, set(free.postings),
                                 _span(window, pool_is_book=True, batched=True),
                                 max_parts, max_candidates):
        free.take("many-to-one", [line_id], keys)
    postings = [(p.date.toordinal(), p.key, p.amount_fen) for p in free.postings.values()]
    line_pool = [(x.booked_on.toordinal(), x.line_id, x.amount_fen) for x in free.lines.values()]
    for key, line_ids in _groups(postings, line_pool, set(free.lines),
                                 _span(window, pool_is_book=False, batched=True),
                                 max_parts, max_candidates):
        free.take("one-to-many", line_ids, [key])


def match_items(lines: Iterable[BankItem], postings: Iterable[BookItem], *,
                window_days: DateWindow | int | str = 3, max_parts: int = 4,
                max_candidates: int = 12) -> list[MatchFound]:
    """Match statement lines to book postings (all in one currency), pass by pass, within
    ``window_days`` (N, or a signed range ``LOW:HIGH``: see ``DateWindow``)."""
    window = DateWindow.of(window_days)
    if not 2 <= max_parts <= 8 or not max_parts <= max_candidates <= 32:
        raise InvalidInput(f"max_parts {max_parts} / max_candidates {max_candidates} would not "
                           "keep the search bounded", field="max_parts",
                           fix="use 2 to 8 parts out of at most 32 candidates")
    free = _Free(lines, postings)
    _by_reference(free)
    _by_amount_and_date(free, window)
    _batched(free, window, max_parts, max_candidates)
    return free.found
