"""Start-up cost of the ``nianbao`` command: ``--help`` and ``extract`` of one text report.

Each command is run ``--runs`` times in a fresh process; the best wall time and the best CPU
time (user + system of the child) are printed. On a busy host wall time includes waiting for
a core; CPU time does not. Usage::

    python -m evals.bench_cli [--runs 7]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

SAMPLE = Path(__file__).parent / "fixtures" / "003_589bf4f08d70f012" / "003_589bf4f08d70f012.txt"
COMMANDS = {"nianbao --help": ["--help"], f"nianbao extract {SAMPLE.name}": ["extract", str(SAMPLE)]}


def measure(args: list[str], runs: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) of ``nianbao ARGS`` over ``runs`` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "extractor.cli.main", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = os.times()
        cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return min(walls), min(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up cost of the nianbao command.")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"CLI start-up, best of {args.runs} fresh processes (wall / CPU):")
    for label, command in COMMANDS.items():
        wall, cpu = measure(command, args.runs)
        print(f"  {label:50} {wall * 1000:7.0f} ms / {cpu * 1000:5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
