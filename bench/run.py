"""Run every benchmark under bench/: each ``bench_*.py`` module's ``main()``, in name order.

    .venv/bin/python bench/run.py             # all of them (what `make bench` does)
    .venv/bin/python bench/run.py split       # only bench_split.py

Each benchmark prints its own figures; a summary of which ran, how long each took and whether it
succeeded follows. A ``main`` that takes an argument list is given an empty one, so the
benchmarks run with their defaults whatever run.py itself was given. The exit code is 1 when a
benchmark fails (raises, or returns a non-zero code).
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent


def discover(names: Sequence[str] = ()) -> list[Path]:
    """bench_*.py files, all of them or those whose name (with or without bench_) is given."""
    paths = sorted(BENCH.glob("bench_*.py"))
    if not names:
        return paths
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in names}
    chosen = [p for p in paths if p.stem.removeprefix("bench_") in wanted]
    unknown = wanted - {p.stem.removeprefix("bench_") for p in chosen}
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}; "
                         f"have {', '.join(p.stem for p in paths)}")
    return chosen


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def run_one(path: Path) -> tuple[bool, float]:
    start = time.perf_counter()
    try:
        module = load(path)
        entry = module.main
        takes_argv = bool(inspect.signature(entry).parameters)
        code = entry([]) if takes_argv else entry()
        succeeded = code in (None, 0)
    except SystemExit as e:
        succeeded = e.code in (None, 0)
    except Exception:
        traceback.print_exc()
        succeeded = False
    return succeeded, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # benchmarks may import their helpers side by side
    results = []
    for path in discover(names):
        print(f"== {path.stem} ==", flush=True)
        succeeded, seconds = run_one(path)
        results.append((path.stem, succeeded, seconds))
        print(flush=True)
    print("== summary ==")
    for name, succeeded, seconds in results:
        print(f"  {name:<20} {'ok' if succeeded else 'FAILED':<7} {seconds:8.1f} s")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
