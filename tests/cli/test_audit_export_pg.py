"""The audit's command-line tests again, through ``--db`` on a PostgreSQL book: exports
checked against the books, a tampered export named, and the disclosure as text, HTML and
JSON (see tests/conftest.py's ``cli``)."""

from __future__ import annotations

from conftest import ON_POSTGRESQL
from test_audit_export_cli import (
    books,
    test_check_export_exits_1_naming_what_differs,
    test_disclose_prints_text_html_and_json,
    test_export_and_check_as_text_and_json,
)

__all__ = ["books", "test_check_export_exits_1_naming_what_differs",
           "test_disclose_prints_text_html_and_json", "test_export_and_check_as_text_and_json"]

pytestmark = ON_POSTGRESQL
