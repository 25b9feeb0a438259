"""One posting rule over one shape: an entry a host posts from the library and the same entry read
from a JSON Lines file reach ``refusal`` as the same ``Prepared`` values, so they get the same

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")
verdict, whatever the journal holds."""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from ledger_helpers import entry_record
from ledger_helpers.strategies import entries, journal_states

from commons.errors import CommonsError
from commons.io.journal_jsonl import chunks
from commons.ledger.journal import Entry, Prepared, named, plain_prepared, prepare
from commons.ledger.rules import refusal

ACTOR = "treasurer"
reversals = st.none() | st.integers(min_value=1, max_value=5)


def verdict(entry: Prepared, state: dict[str, Any]
            ) -> tuple[str, str, str, str | None] | None:
    why = refusal(entry, state["accounts"], state["closed"], reversible=state["reversible"],
                  undoes=state["undoes"])
    return None if why is None else (type(why).__name__, why.code, str(why), why.field)


def only_entry(source: str | Path | list[Entry]) -> Prepared:
    (chunk,) = chunks(source, None, ACTOR)
    ((_, item, _),) = chunk
    assert not isinstance(item, CommonsError), item
    return item


def from_file(entry: Entry) -> Prepared:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.jsonl"
        path.write_text(json.dumps(entry_record(entry), ensure_ascii=False) + "\n",
                        encoding="utf-8")
        return only_entry(path)


@given(st.data(), entries(reverses=reversals))
def test_library_and_file_get_the_same_verdict(data: st.DataObject, entry: Entry) -> None:
    state = data.draw(journal_states(entry))
    posted = only_entry([entry])
    read = from_file(entry)
    assert read == posted
    assert verdict(read, state) == verdict(posted, state)


@given(st.data(), entries(reverses=reversals))
def test_a_parsing_worker_sends_the_same_entry(data: st.DataObject, entry: Entry) -> None:
    # What a worker process sends is pickled plain values, named again by the writer.
    state = data.draw(journal_states(entry))
    sent = named(pickle.loads(pickle.dumps(plain_prepared(entry))))
    assert type(sent) is Prepared and sent == prepare(entry)
    assert verdict(sent, state) == verdict(prepare(entry), state)


def refused_field(entry: Entry, state: dict[str, Any]) -> str | None:
    """The field the rule should blame, worked out here apart from it: a reversal's target
    first, then the month, then each posting's account in order."""
    reversible, undoes = state["reversible"], state["undoes"]
    if entry.reverses is not None:
        if entry.reverses not in reversible or reversible[entry.reverses] is not None:
            return "reverses"
        negated = sorted((a, -fen, c) for a, fen, c in undoes[entry.reverses])
        if sorted((p.account, p.amount.fen, p.amount.currency)
                  for p in entry.postings) != negated:
            return "postings"
    if entry.date.strftime("%Y-%m") in state["closed"]:
        return "date"
    for i, p in enumerate(entry.postings):
        account = state["accounts"].get(p.account)
        if (account is None or (account.opened_on and entry.date < account.opened_on)
                or (account.closed_on and entry.date >= account.closed_on)):
            return f"postings[{i}].account"
    return None


@given(st.data(), entries(reverses=reversals))
def test_the_rule_refuses_what_the_journal_state_forbids(data: st.DataObject,
                                                        entry: Entry) -> None:
    # The properties above would hold if the rule never refused: check it against the state.
    state = data.draw(journal_states(entry))
    found = verdict(prepare(entry), state)
    assert (None if found is None else found[3]) == refused_field(entry, state)
