"""Time ledger-cli, hledger and Beancount on the benchmark data, for issue 3's ratios.

The comparison tools are installed here and only here (never by ``make test``): the Debian
packages ``ledger`` and ``hledger`` through ``apt-get install -y`` (with ``apt-get update`` first
if the package is not found), and Beancount from PyPI into its own venv under ``bench/out/``.
A tool that cannot be installed is skipped with a message.

Each tool runs once on the same data as the commons bench (``bench/ledger_data.py``):

    ledger  -f ledger.journal bal
    hledger -f ledger.journal bal
    bean-check beancount.beancount

and is measured for wall seconds and peak resident memory of the child process (from the kernel's
own accounting through ``os.wait4``, the figure ``/usr/bin/time -v`` prints as "Maximum resident
set size"). At 1,000,000 transactions these take minutes each (measured earlier on this 2-core
machine: ledger-cli ~12 s, hledger ~69 s, bean-check ~120 s), so use ``--n`` for a smaller set
and ``--skip TOOL`` to leave one out.

    python bench/compare_ledgers.py --n 20000
    python bench/compare_ledgers.py --skip bean-check

``compare(...)`` returns the figures as a dict for ``bench_ledger.py`` to compute ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "TOOLS",
    "compare",
    "ensure_apt_tool",
    "ensure_beancount",
    "measure",
    "print_table",
]

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
TOOLS = ("ledger", "hledger", "bean-check")
APT_PACKAGE = {"ledger": "ledger", "hledger": "hledger"}
BEANCOUNT_VENV = OUT / "beancount-venv"


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now, from /proc (0 off Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int((fields.get("VmRSS", "0 kB").split() or ["0"])[0])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree)


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree every 50 ms: a post that parses in a worker
    process uses the memory of both, which ``ru_maxrss`` (the larger one) would hide."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


def measure(cmd: Sequence[str], *, stdout: Path | None = None, cwd: str | Path | None = None,
            env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd`` to completion: wall seconds, peak RSS of the child (MB) and its exit code.

    stdout goes to ``stdout`` (a file) or is discarded; stderr is kept (last 2,000 characters).
    The peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (it includes any processes
    the child itself waited for), so measurements in one run do not bleed into each other the way
    ``getrusage(RUSAGE_CHILDREN)`` would. ``tree_peak_rss_mb`` is the peak of the summed RSS of
    the child and its descendants at once, sampled every 50 ms.
    """
    err_path = (stdout.with_suffix(stdout.suffix + ".err") if stdout
                else OUT / f".measure-{os.getpid()}.err")
    err_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as files:
        out_handle = files.enter_context(open(stdout, "wb")) if stdout else subprocess.DEVNULL
        err_handle = files.enter_context(open(err_path, "wb"))
        started = time.perf_counter()
        child = subprocess.Popen(list(cmd), stdout=out_handle, stderr=err_handle, cwd=cwd,
                                 env=env)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not reap again
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if not stdout:
        err_path.unlink(missing_ok=True)
    return {
        "cmd": " ".join(str(part) for part in cmd),
        "seconds": round(seconds, 3),
        # What the child ran on the cores, user and system, all threads: steadier than the
        # wall time where other work shares the cores.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        "tree_peak_rss_mb": round(max(sampler.peak_kb, usage.ru_maxrss) / 1024, 1),
        "returncode": child.returncode,
        "stderr": stderr[-2000:],
    }


def _run_quiet(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(list(cmd), capture_output=True, text=True, env=env, check=False)


def ensure_apt_tool(tool: str) -> str | None:
    """Path of ``tool``, installing its Debian package if needed; None (and a message) if it
    cannot be had."""
    found = shutil.which(tool)
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        print(f"compare: {tool} is not installed and apt-get is unavailable; skipping {tool}")
        return None
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    package = APT_PACKAGE[tool]
    print(f"compare: installing Debian package {package} ...", flush=True)
    done = _run_quiet([*prefix, apt, "install", "-y", "--no-install-recommends", package])
    if done.returncode != 0:
        print("compare: package not found as is; running apt-get update first", flush=True)
        _run_quiet([*prefix, apt, "update"])
        done = _run_quiet([*prefix, apt, "install", "-y", "--no-install-recommends", package])
    found = shutil.which(tool)
    if done.returncode != 0 or not found:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        print(f"compare: could not install {package}; skipping {tool}: {' | '.join(tail)}")
        return None
    return found


def ensure_beancount(venv: Path = BEANCOUNT_VENV) -> str | None:
    """Path of ``bean-check`` in a venv of its own under bench/out, installing Beancount from
    PyPI on first use; None (and a message) if that fails."""
    bean_check = venv / "bin" / "bean-check"
    if bean_check.exists():
        return str(bean_check)
    print(f"compare: installing beancount into {venv} ...", flush=True)
    made = _run_quiet([sys.executable, "-m", "venv", str(venv)])
    if made.returncode == 0:
        made = _run_quiet([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "beancount"])
    if made.returncode != 0 or not bean_check.exists():
        tail = (made.stderr or made.stdout).strip().splitlines()[-3:]
        print(f"compare: could not install beancount; skipping bean-check: {' | '.join(tail)}")
        return None
    return str(bean_check)


def _version(cmd: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def compare(data_dir: str | Path | None = None, n: int | None = None, *,
            skip: Sequence[str] = (), install: bool = True,
            quiet: bool = False) -> dict[str, dict[str, object]]:
    """Install (unless ``install`` is false) and time each tool not in ``skip`` on ``data_dir``.

    ``data_dir`` defaults to ``bench/out/ledger-N`` and is generated (ledger and beancount
    formats) if incomplete. Returns ``{tool: {"seconds", "max_rss_mb", "returncode", "ok",
    "version", "cmd", ...}}`` for every tool that ran, and ``{"skipped": reason}`` for the rest.
    """
    sys.path.insert(0, str(BENCH))
    import ledger_data

    n = ledger_data.DEFAULT_N if n is None else n
    data = Path(data_dir) if data_dir is not None else OUT / f"ledger-{n}"
    info = ledger_data.ensure(data, n, formats=("ledger", "beancount"), quiet=quiet)
    transactions = int(str(info["n"]))
    journal = data / ledger_data.FILES["ledger"]
    bean = data / ledger_data.FILES["beancount"]
    results: dict[str, dict[str, object]] = {}
    for tool in TOOLS:
        if tool in skip:
            results[tool] = {"skipped": "--skip"}
            continue
        if tool == "bean-check":
            path = ensure_beancount() if install else (
                str(BEANCOUNT_VENV / "bin" / "bean-check")
                if (BEANCOUNT_VENV / "bin" / "bean-check").exists() else None)
            cmd = [path, str(bean)] if path else None
            version = _version([str(BEANCOUNT_VENV / "bin" / "python"), "-c",
                                "import beancount; print('beancount', beancount.__version__)"])
        else:
            path = ensure_apt_tool(tool) if install else shutil.which(tool)
            cmd = [path, "-f", str(journal), "bal"] if path else None
            version = _version([path, "--version"]) if path else "?"
        if cmd is None:
            results[tool] = {"skipped": "not installed"}
            continue
        if not quiet:
            print(f"compare: {tool} on {transactions:,} transactions ...", flush=True)
        load = os.getloadavg()[0]
        figures = measure(cmd, stdout=OUT / f"{tool}-{transactions}.out")
        figures["load_average_before"] = round(load, 2)
        figures["ok"] = figures["returncode"] == 0
        figures["version"] = version
        figures["transactions"] = transactions
        if not figures["ok"] and not quiet:
            print(f"compare: {tool} exited {figures['returncode']}: {figures['stderr'][-500:]}")
        results[tool] = figures
    if not quiet:
        print_table(results)
    return results


def print_table(results: dict[str, dict[str, object]]) -> None:
    print(f"{'tool':12} {'seconds':>9} {'peak RSS MB':>12} {'load':>5}  version")
    for tool, figures in results.items():
        if "skipped" in figures:
            print(f"{tool:12} {'skipped: ' + str(figures['skipped']):>22}")
            continue
        mark = "" if figures.get("ok") else f"  (exit {figures['returncode']})"
        print(f"{tool:12} {figures['seconds']:>9.2f} {figures['max_rss_mb']:>12.1f} "
              f"{figures.get('load_average_before', '?'):>5}  {figures.get('version', '?')}{mark}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None, help="transactions (default 1,000,000)")
    parser.add_argument("--data", default=None, help="data directory (default bench/out/ledger-N)")
    parser.add_argument("--skip", action="append", default=[], choices=TOOLS,
                        help="leave a tool out (repeatable)")
    parser.add_argument("--no-install", action="store_true",
                        help="use only tools already installed")
    args = parser.parse_args(argv)
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} "
          "(anything above ~0.5 means other work shares the cores)")
    results = compare(args.data, args.n, skip=args.skip, install=not args.no_install)
    return 0 if all(r.get("ok", True) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
