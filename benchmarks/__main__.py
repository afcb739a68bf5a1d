"""``python -m benchmarks``: run the suite, write results.json, results.md and the plots,
print the Markdown report. Exits non-zero if any answer differs from the oracle's."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.report import write
from benchmarks.suite import LIMIT, Config, Suite

FULL_SIZES = [10_000, 100_000, 1_000_000, 5_000_000]
QUICK_SIZES = [10_000, 100_000]
RADII_M = [20.0, 200.0, 1_000.0, 5_000.0]
RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", type=_counts, help="comma-separated post counts, e.g. 10k,1M")
    parser.add_argument("--radii", type=_floats, default=RADII_M, help="metres, comma-separated")
    parser.add_argument(
        "--queries", type=int, help="queries per radius (at most 400 from 2 M posts)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="10 k and 100 k posts, fewer queries")
    parser.add_argument(
        "--out", type=Path, help=f"output directory (default {RESULTS}, or its quick/ for --quick)"
    )
    parser.add_argument("--no-baselines", action="store_true", help="time the engine alone")
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--note", default="", help="a line for the report, e.g. the machine's load")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> Config:
    return Config(
        sizes=args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES),
        radii_m=args.radii,
        queries=args.queries or (500 if args.quick else 1_000),
        seed=args.seed,
        baselines=not args.no_baselines,
        baseline_budget_s=2.0 if args.quick else 20.0,
        subscriptions=args.subscriptions,
        subscription_posts=500 if args.quick else 2_000,
        progress=not args.no_progress,
    )


def machine(note: str) -> dict[str, Any]:
    return {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "note": note,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.out is None:  # a quick run never overwrites the committed full results
        args.out = RESULTS / "quick" if args.quick else RESULTS
    config = config_from(args)
    suite = Suite(config)
    suite.results["machine"] = machine(args.note)
    suite.results["config"] = {
        "sizes": config.sizes,
        "radii_m": config.radii_m,
        "queries_per_radius": config.queries,
        "seed": config.seed,
        "limit": LIMIT,
        "baselines": config.baselines,
        "baseline_budget_s": config.baseline_budget_s,
        "quick": args.quick,
    }
    results = suite.run()
    results["machine"]["load_average_at_end"] = os.getloadavg()
    write(results, args.out)
    print((args.out / "results.md").read_text(encoding="utf-8"))
    print(f"Results in {args.out}/ (results.json, results.md, PNG plots).")
    if results["mismatches"]:
        print(f"FAILED: {results['mismatches']} answers differ from the oracle's", file=sys.stderr)
        return 1
    return 0


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _counts(text: str) -> list[int]:
    scale = {"k": 1_000, "m": 1_000_000}
    counts = []
    for item in text.split(","):
        item = item.strip().lower()
        factor = scale.get(item[-1:], 1)
        counts.append(int(float(item[:-1] if factor > 1 else item) * factor))
    return counts


def _floats(text: str) -> list[float]:
    return [float(item) for item in text.split(",")]


if __name__ == "__main__":
    sys.exit(main())
