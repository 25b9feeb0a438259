"""The ledger's command-line tests again, through ``--db`` on a PostgreSQL book: posting and
posting again, a bad line refusing the whole file, balances, trails, reversals and closed
months (see tests/conftest.py's ``cli``)."""

from __future__ import annotations

from conftest import ON_POSTGRESQL
from test_cli_ledger import (
    books,
    test_a_bad_line_refuses_the_whole_file_naming_file_line_and_field,
    test_balance_by_prefix_compound_and_date,
    test_balance_text_and_json,
    test_close_then_posting_into_it_is_refused,
    test_post_prints_a_summary_and_reposting_is_already_recorded,
    test_reverse_needs_a_reason_and_undoes_the_entry,
    test_trail_shows_the_running_balance,
)

__all__ = ["books", "test_a_bad_line_refuses_the_whole_file_naming_file_line_and_field",
           "test_balance_by_prefix_compound_and_date", "test_balance_text_and_json",
           "test_close_then_posting_into_it_is_refused",
           "test_post_prints_a_summary_and_reposting_is_already_recorded",
           "test_reverse_needs_a_reason_and_undoes_the_entry",
           "test_trail_shows_the_running_balance"]

pytestmark = ON_POSTGRESQL
