"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl on a free
port, stopped at the end. initdb refuses to run as root, so as root the server runs as the
``postgres`` user (Debian's package creates it) and its folder is given to that user.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgServer", "binaries"]


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One server cluster in its own folder; ``url(db)`` connects as the superuser."""

    def __init__(self, bin_dir: Path, *, folder: Path | None = None, port: int | None = None
                 ) -> None:
        self.bin = bin_dir
        self.root = os.geteuid() == 0
        self.folder = folder or Path(tempfile.mkdtemp(prefix="commons-pg-"))
        self.data = self.folder / "data"
        self.port = port or _free_port()
        self.user = "postgres" if self.root else os.environ.get("USER", "postgres")

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server program as the server's user."""
        argv = [str(a) for a in args]
        if self.root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, cwd="/")

    def init(self, *extra_conf: str) -> None:
        """initdb (C collation, UTF-8, trust for local connections) and the settings given."""
        if self.root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(self.bin / "initdb", "-D", self.data, "-U", self.user, "-E", "UTF8",
                 "--locale=C", "-A", "trust", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.folder}'\nfsync = off\n"
                       "synchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 200\nwal_level = replica\nmax_wal_senders = 4\n"
                       "hot_standby = on\n")
            for line in extra_conf:
                conf.write(line + "\n")
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w",
                 "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server (fast shutdown); its folder is removed by ``remove``."""
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def remove(self) -> None:
        """Remove the server's folder."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def standby(self) -> PgServer:
        """A streaming-replication hot standby of this server, from ``pg_basebackup``,
        started on its own port."""
        other = PgServer(self.bin)
        if self.root:
            shutil.chown(other.folder, "postgres", "postgres")
        self.run(self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                 self.user, "-D", other.data, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with (other.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {other.port}\nunix_socket_directories = '{other.folder}'\n")
        other.start()
        return other

    def url(self, db: str = "postgres", user: str | None = None) -> str:
        """The URL of database ``db`` as ``user`` (the superuser by default)."""
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{db}"

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run ``sql`` as the superuser; its output."""
        result = self.run(self.bin / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                          "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", db,
                          "-c", sql)
        return result.stdout.strip()

    def undo_newest_version(self, book: str, db: str = "commons") -> None:
        """Take ``book`` back to the schema version before the newest, by hand: drop what
        the newest migration created, as if the book had been made by the commons before."""
        from commons.store import SCHEMA_VERSION
        from commons.store.pg_sql import migrations

        newest = " ".join(migrations()[-1])
        undo = [f"DROP TABLE {t} CASCADE" for t in re.findall(r"CREATE TABLE (\w+)", newest)]
        undo += [f"DROP FUNCTION {f}()" for f in re.findall(r"CREATE FUNCTION (\w+)\(\)",
                                                             newest)]
        assert undo, "the newest migration creates no table: undo it here by hand"
        self.psql(f"SET search_path = {book}; {'; '.join(undo)}; "
                  f"UPDATE schema_version SET version = {SCHEMA_VERSION - 1}", db=db)

