"""Benchmark of the camt.053 reader's limits (issue 14, item 5).

- ``import``: ``commons reconcile import`` of a valid statement of about 100 MB (some 250,000
  booked entries), as a whole process of the CLI; its peak memory is the process's own
  (``wait4``'s ``ru_maxrss``). Target: at most 400 MB.
- ``hostile``: three files of about 2 MB each, read in this process and timed: elements nested
  20,000 deep behind 1 MB of newlines, 2 MB of newlines in one text, and a 2 MB attribute. Each
  must be refused in under a second, with a message of a few hundred characters at most.

The limits themselves are in docs/limits.md.

    .venv/bin/python bench/bench_camt.py              # 100 MB
    .venv/bin/python bench/bench_camt.py --mb 10
    make bench                                         # bench/run.py calls main()
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from commons.errors import CommonsError
from commons.io.bank_formats import read_statements

DEFAULT_MB = 100
TARGET_MB = 400.0
TARGET_HOSTILE_S = 1.0
LONGEST_MESSAGE = 500
BANK = "assets:bank:co-managed:wjxc"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
START = dt.date(2026, 1, 1)
HEAD = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NAMESPACE}">\n'
        "<BkToCstmrStmt>\n<GrpHdr><MsgId>BENCH</MsgId>"
        "<CreDtTm>2027-01-01T08:00:00+08:00</CreDtTm></GrpHdr>\n")


def _balance(code: str, fen: int, day: dt.date) -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="CNY">{abs(fen) // 100}.{abs(fen) % 100:02d}</Amt>'
            f"<CdtDbtInd>{'CRDT' if fen >= 0 else 'DBIT'}</CdtDbtInd>"
            f"<Dt><Dt>{day}</Dt></Dt></Bal>\n")


def _entry(i: int) -> tuple[str, int]:
    fen = 100 + (i * 7919) % 2_000_000
    day = START + dt.timedelta(days=i % 365)
    text = (f"<Ntry><NtryRef>{i}</NtryRef>"
            f'<Amt Ccy="CNY">{fen // 100}.{fen % 100:02d}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>B{i:09d}</AcctSvcrRef>\n"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>PK-{i:09d}</EndToEndId></Refs>"
            "<RltdPties><Dbtr><Pty><Nm>卫技新村停车场</Nm></Pty></Dbtr></RltdPties>"
            f"<RmtInf><Ustrd>停车费 第{i}笔</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n")
    return text, fen


def write_statement(path: Path, megabytes: float) -> int:
    """A valid statement of about ``megabytes`` MB in dates order; returns its entries."""
    entries, total = [], 0
    size, i = len(HEAD), 0
    while size < megabytes * 1_000_000:
        text, fen = _entry(i)
        entries.append(text)
        total += fen
        size += len(text.encode())
        i += 1
    entries.sort(key=lambda e: e.split("<BookgDt><Dt>", 1)[1][:10])
    last = START + dt.timedelta(days=364)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        out.write("<Stmt><Id>BENCH-STMT</Id><Acct><Id><Othr><Id>1</Id></Othr></Id></Acct>\n")
        out.write(_balance("OPBD", 0, START) + _balance("CLBD", total, last))
        out.writelines(entries)
        out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    return i


def hostile_files() -> dict[str, bytes]:
    """About 2 MB each: what once took minutes or gigabytes to refuse."""
    head = HEAD.encode()
    deep = (head + b"<Stmt>" + b"\n" * 1_900_000 + b"<a>" * 20_000 + b"</a>" * 20_000
            + b"</Stmt></BkToCstmrStmt></Document>")
    newlines = (head + b"<Stmt><Id>" + b"\n" * 2_000_000
                + b"</Id></Stmt></BkToCstmrStmt></Document>")
    attribute = (head + b'<Stmt><Amt Ccy="' + b"C" * 2_000_000
                 + b'">1.00</Amt></Stmt></BkToCstmrStmt></Document>')
    return {"deep": deep, "newlines": newlines, "attribute": attribute}


def time_hostile() -> dict[str, tuple[float, int]]:
    """Each hostile file's seconds to refusal and the length of the message."""
    out = {}
    for name, data in hostile_files().items():
        start = time.perf_counter()
        try:
            read_statements(data, f"{name}.xml")
        except CommonsError as e:
            out[name] = (time.perf_counter() - start, len(str(e)))
        else:
            raise AssertionError(f"the hostile file {name} was read")
    return out


def import_peak(folder: Path, statement: Path) -> tuple[float, float]:
    """Seconds and peak MB of ``commons reconcile import`` as a process of its own."""
    script = str(Path(sys.executable).parent / "commons")
    db = str(folder / "bench.db")
    subprocess.run([script, "--db", db, "ledger", "chart", "wjxc"], check=True,
                   capture_output=True)
    start = time.perf_counter()
    proc = subprocess.Popen([script, "--db", db, "reconcile", "import", str(statement),
                             "--account", BANK], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    error = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise AssertionError(f"the import failed: {error.decode()}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=DEFAULT_MB, help="statement size in MB")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    hostile = time_hostile()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        statement = folder / "statement.xml"
        started = time.perf_counter()
        entries = write_statement(statement, args.mb)
        size_mb = statement.stat().st_size / 1_000_000
        setup_s = time.perf_counter() - started
        seconds, peak = import_peak(folder, statement)
    met_import = peak <= TARGET_MB
    print(f"camt.053 import of {size_mb:.0f} MB ({entries:,} entries): {seconds:.1f} s, peak "
          f"{peak:.0f} MB (target <= {TARGET_MB:g} MB): {'met' if met_import else 'MISSED'}")
    met_hostile = True
    for name, (refused_s, length) in hostile.items():
        met = refused_s < TARGET_HOSTILE_S and length <= LONGEST_MESSAGE
        met_hostile = met_hostile and met
        print(f"  hostile {name:<9} ({len(hostile_files()[name]) / 1e6:.1f} MB): refused in "
              f"{refused_s * 1000:.0f} ms, message {length} characters "
              f"(target < {TARGET_HOSTILE_S:g} s, <= {LONGEST_MESSAGE}): "
              f"{'met' if met else 'MISSED'}")
    print(f"  setup (writing the statement) {setup_s:.1f} s; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if args.strict and not (met_import and met_hostile) else 0


if __name__ == "__main__":
    sys.exit(main())
