"""The benchmarks stay runnable: mypy does not look at bench/, so a renamed function would
otherwise surface only when someone runs `make bench` (bench_bundle.py once imported a helper
that no longer existed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py, found through the path above)


@pytest.mark.parametrize("path", sorted(BENCH.glob("bench_*.py")), ids=lambda p: p.stem)
def test_every_benchmark_imports_and_has_a_main(path: Path) -> None:
    assert callable(run.load(path).main)


def test_the_bundle_benchmark_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    bench = run.load(BENCH / "bench_bundle.py")
    assert bench.main(["--runs", "20", "--compounds", "3", "--months", "2", "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert "20 runs x 3 compounds x 2 months = 120 draws" in out
    assert "CNY/m2/month" in out


@pytest.mark.slow
def test_the_startup_benchmark_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    bench = run.load(BENCH / "bench_startup.py")
    assert bench.main(["--n", "50", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "cores" in out
    for figure in ("import commons (minus the bare start)", "commons --version",
                   "ledger balance (50 tx)", "slowest imports"):
        assert figure in out


def test_the_camt_benchmark_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    bench = run.load(BENCH / "bench_camt.py")
    assert bench.main(["--mb", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "camt.053 import of 0 MB" in out
    for name in ("deep", "newlines", "attribute"):
        assert f"hostile {name}" in out
