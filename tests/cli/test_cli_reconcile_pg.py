"""The reconciliation's command-line tests again, through ``--db`` on a PostgreSQL book:
importing a camt.053 statement and a GB18030 CSV, matching, the golden report, and bad files
refused naming the place with nothing stored (see tests/conftest.py's ``cli``)."""

from __future__ import annotations

from conftest import ON_POSTGRESQL
from test_cli_reconcile import (
    books,
    test_bad_files_exit_1_naming_the_place_and_store_nothing,
    test_import_gbk_csv_with_profile_and_encoding,
    test_import_text_and_json,
    test_report_text_golden,
    test_run_text_and_json,
)

__all__ = ["books", "test_bad_files_exit_1_naming_the_place_and_store_nothing",
           "test_import_gbk_csv_with_profile_and_encoding", "test_import_text_and_json",
           "test_report_text_golden", "test_run_text_and_json"]

pytestmark = ON_POSTGRESQL
