"""Shared fixtures and the hypothesis profiles.

Profiles: ``ci`` (fewer examples, no deadline, failing examples printed as blobs so a CI failure
can be replayed with ``@reproduce_failure``) and ``dev`` (hypothesis' defaults without a deadline).
``HYPOTHESIS_PROFILE`` picks one; otherwise ``ci`` when the ``CI`` variable is set, else ``dev``.

The helpers every test module shares live here too: ``ok``, ``as_json`` and ``refused`` for CLI
results, and ``raises`` for library errors. A refusal is asserted by its ``ErrorCode``, never by
its wording; what else a test checks in a message is data (a file and line, an id, a field).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result
from commons_cli.main import main
from hypothesis import HealthCheck, settings

from commons.errors import CommonsError, ErrorCode

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

HOUSEHOLDS_CSV = """\
id,building,floor,area_m2,owner
LS-3-101,LS-3,1,56.37,王建国
LS-3-102,LS-3,1,71.20,李秀英
LS-3-301,LS-3,3,56.37,张伟
LS-3-302,LS-3,3,71.20,赵敏
LS-3-601,LS-3,6,56.37,刘洋
LS-3-602,LS-3,6,71.20,陈静
"""

WEIGHTS_CSV = """\
id,weight
a,1
b,2
c,3
"""

Invoke = Callable[..., Result]
WriteFile = Callable[[str, str | bytes], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (UTF-8) or raw bytes to a file in the test's directory; returns its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def households_csv(write_file: WriteFile) -> Path:
    return write_file("households.csv", HOUSEHOLDS_CSV)


@pytest.fixture
def weights_csv(write_file: WriteFile) -> Path:
    return write_file("weights.csv", WEIGHTS_CSV)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "commons.db"


@pytest.fixture
def cli(request: pytest.FixtureRequest, db_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> Invoke:
    """Run ``commons ARGS...`` in-process with ``--db`` in the test's directory; in a test
    that runs on the ``store`` fixture's ``postgresql``, ``--db`` is the URL of the server
    book that ``commons.connect(db_path)`` opens in that test too.

    Exceptions other than click's exit are re-raised (``catch_exceptions=False``), so a traceback
    a user would see fails the test instead of passing as exit code 1.
    """
    monkeypatch.delenv("COMMONS_DB", raising=False)
    where = str(db_path)
    if "store" in request.fixturenames and request.getfixturevalue("store") == "postgresql":
        where = pg_book(request.getfixturevalue("pg_server"), db_path)
    runner = CliRunner()

    def invoke(*args: str | os.PathLike[str], db: bool = True, input: str | None = None) -> Result:
        argv: Sequence[str] = [str(a) for a in args]
        if db:
            argv = ["--db", where, *argv]
        return runner.invoke(main, argv, input=input, catch_exceptions=False, prog_name="commons")

    return invoke


E = TypeVar("E", bound=CommonsError)

_CODE = re.compile(r"commons: error\[([a-z_]+)\]: ")


def ok(result: Result) -> Result:
    """Exit 0; stderr may hold progress or warnings."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def doc_example(page: Path, tag: str, folder: Path, monkeypatch: pytest.MonkeyPatch,
                after: Callable[[CliRunner, int], None] | None = None) -> list[str]:
    """Run the demo into ``folder``/demo.db, then each command of ``page``'s ```sh ``tag``
    block on it, as a reader would (each must succeed); their outputs. ``after(runner, n)``
    runs after the n-th command (from 1)."""
    monkeypatch.chdir(folder)
    monkeypatch.delenv("COMMONS_DB", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", "demo.db", "demo"]).exit_code == 0
    (block,) = re.findall(rf"^```sh {tag}\n(.*?)^```$", page.read_text(encoding="utf-8"),
                          re.M | re.S)
    outputs = []
    for line in block.splitlines():
        result = runner.invoke(main, shlex.split(line)[1:], catch_exceptions=False)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        outputs.append(result.stdout)
        if after is not None:
            after(runner, len(outputs))
    return outputs


def as_json(result: Result) -> Any:
    """The JSON a successful command printed on stdout."""
    return json.loads(ok(result).stdout)


def refused(result: Result, code: ErrorCode, *data: str) -> str:
    """A refusal: exit 1, nothing on stdout, ``commons: error[CODE]: ...`` on stderr naming each
    of ``data`` (file:line, ids, fields), and no traceback; returns stderr."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    found = _CODE.match(result.stderr)
    assert found is not None, result.stderr
    assert found.group(1) == code, result.stderr
    for text in data:
        assert text in result.stderr, result.stderr
    return result.stderr


def refused_json(result: Result, code: ErrorCode) -> dict[str, Any]:
    """A refusal under --json: exit 1 and ``{"error": {"code", "what", "where", "fix"}}`` on
    stderr; returns the inner object."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    error: dict[str, Any] = json.loads(result.stderr)["error"]
    assert error["code"] == code, error
    return error


@contextmanager
def raises(cls: type[E], code: ErrorCode, *, match: str | None = None
           ) -> Iterator[pytest.ExceptionInfo[E]]:
    """``pytest.raises(cls)`` that also asserts the error's code; ``match`` is for data in the
    message (an id, a file and line), never its wording."""
    with pytest.raises(cls, match=match) as info:
        yield info
    assert info.value.code == code, (info.value.code, str(info.value))




# -- PostgreSQL ------------------------------------------------------------------------------
# One server for the whole run (tests/pg_server.py), started on first use. Where no PostgreSQL
# is installed its tests are skipped, and the run's summary says so in capitals.

_PG_SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A running PostgreSQL server of this run; its tests skip when none is installed."""
    from pg_server import PgServer, binaries

    found = binaries()
    if found is None:
        _PG_SKIPPED.append("no PostgreSQL binaries in /usr/lib/postgresql/*/bin or on PATH")
        pytest.skip("PostgreSQL is not installed: its tests are skipped")
    server = PgServer(found)
    server.init()
    server.start()
    server.psql("CREATE DATABASE commons")
    try:
        yield server
    finally:
        server.stop()
        server.remove()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say loudly that the PostgreSQL store went untested."""
    if _PG_SKIPPED:
        terminalreporter.write_line(
            f"WARNING: POSTGRESQL TESTS WERE SKIPPED ({_PG_SKIPPED[0]}); install Debian's "
            "postgresql package to run them", red=True, bold=True)


def pg_book(server: Any, path: str | os.PathLike[str]) -> str:
    """The URL of the server book standing for the SQLite file ``path`` in a test."""
    import hashlib

    digest = hashlib.sha1(str(path).encode()).hexdigest()[:20]
    return f"{server.url('commons')}?book=b_{digest}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which store the test's books are on. On ``postgresql`` every database path a test gives
    ``commons.connect`` is a book of its own on the run's server (the same path, the same
    book); a test that opens the SQLite file itself is marked ``sqlite_only``."""
    if request.param == "postgresql":
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("reads or changes the SQLite file itself")
        server = request.getfixturevalue("pg_server")
        from commons.app import session
        from commons.store import is_server_url

        plain = session.Session.__init__

        def on_server(self: Any, path: Any, **options: Any) -> None:
            if str(path) != ":memory:" and not is_server_url(str(path)):
                path = pg_book(server, path)
            plain(self, path, **options)

        monkeypatch.setattr(session.Session, "__init__", on_server)
        monkeypatch.setitem(_ON_SERVER, "server", server)
    return str(request.param)


_ON_SERVER: dict[str, Any] = {}  # the server of a test running on ``postgresql``

# ``pytestmark = ON_POSTGRESQL``: the module's tests (often imported from an SQLite module)
# run once, with the ``store`` fixture's ``postgresql``, and their ``cli`` on its book's URL.
ON_POSTGRESQL = [pytest.mark.usefixtures("store"),
                 pytest.mark.parametrize("store", ["postgresql"], indirect=True)]


def dump_tables(db: str | os.PathLike[str], tables: Sequence[str]) -> dict[str, list[Any]]:
    """Every row of ``tables`` in the books at ``db``, on whichever store the test runs."""
    server = _ON_SERVER.get("server")
    if server is None:
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(db)) as conn:
            return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    import psycopg

    url, book = pg_book(server, db).split("?book=")
    with psycopg.connect(url) as conn:
        conn.execute(f"SET search_path = {book}")
        return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]
                for t in tables}
