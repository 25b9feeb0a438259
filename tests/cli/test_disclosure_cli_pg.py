"""The disclosure's command-line tests again, through ``--db`` on a PostgreSQL book: the
options reach the page, wrong inputs are refused with codes, and a printed chain head is
checked with ``audit verify --head`` (see tests/conftest.py's ``cli``)."""

from __future__ import annotations

from conftest import ON_POSTGRESQL
from test_disclosure_cli import (
    books,
    test_a_printed_head_is_checked_with_verify_head,
    test_the_options_reach_the_page,
    test_wrong_inputs_are_refused_with_codes,
)

__all__ = ["books", "test_a_printed_head_is_checked_with_verify_head",
           "test_the_options_reach_the_page", "test_wrong_inputs_are_refused_with_codes"]

pytestmark = ON_POSTGRESQL
