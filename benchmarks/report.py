"""Turn a suite's results into the design's verdicts and a Markdown report.

Targets are judged at 1 M and 5 M posts when those sizes were run; otherwise (a quick
run) at the largest size run, and the verdict says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ENGINE = "engine"
TARGET_SIZES = (1_000_000, 5_000_000)
P50_US, P99_US = 80.0, 250.0
BASELINE_SLACK = 1.10
ADVANTAGE = 5.0
GROWTH = 2.0
BUILD_S_PER_M = 1.0
BYTES_PER_POST = 48.0
UPDATE_P50_US = 20.0


def _sizes(results: dict[str, Any]) -> list[int]:
    return sorted(int(size) for size in results["sizes"])


def _judged_sizes(results: dict[str, Any]) -> list[int]:
    sizes = _sizes(results)
    return [size for size in sizes if size in TARGET_SIZES] or sizes[-1:]


def _rotation(results: dict[str, Any], size: int) -> dict[str, dict[str, dict[str, float]]]:
    """radius -> method -> percentiles, rotation figures."""
    return {
        radius: figures["rotation"]
        for radius, figures in results["sizes"][str(size)]["search"].items()
    }


def _baselines(results: dict[str, Any]) -> list[str]:
    first = next(iter(results["sizes"].values()))["search"]
    methods = next(iter(first.values()))["rotation"] if first else {}
    return [name for name in methods if name != ENGINE]


def _verdict(name: str, measured: str, passed: bool | None) -> dict[str, Any]:
    status = "n/a" if passed is None else ("PASS" if passed else "FAIL")
    return {"target": name, "measured": measured, "status": status}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One verdict per design target: what was measured, PASS, FAIL or n/a."""
    judged = _judged_sizes(results)
    at = "at " + " and ".join(_size_label(size) for size in judged)
    verdicts = [
        _verdict(
            "every answer equals the oracle's (search, within_box, churn, subscriptions)",
            f"{results['mismatches']} of {results['answers_checked']:,} differ",
            results["mismatches"] == 0,
        )
    ]

    for stat, limit in (("p50_us", P50_US), ("p99_us", P99_US)):
        worst = max(
            (figures[ENGINE][stat], size, radius)
            for size in judged
            for radius, figures in _rotation(results, size).items()
        )
        verdicts.append(
            _verdict(
                f"search {stat[:3]} ≤ {limit:g} µs, every radius, {at}",
                f"worst {_us(worst[0])} µs ({_size_label(worst[1])}, {worst[2]} m)",
                worst[0] <= limit,
            )
        )

    sizes = _sizes(results)
    if len(sizes) >= 2:
        small, large = _rotation(results, sizes[0]), _rotation(results, sizes[-1])
        ratio = max(
            (large[r][ENGINE]["p99_us"] / small[r][ENGINE]["p99_us"], r)
            for r in large
            if r in small
        )
        verdicts.append(
            _verdict(
                f"growth: p99 at {_size_label(sizes[-1])} ≤ {GROWTH:g} × p99 at "
                f"{_size_label(sizes[0])}",
                f"worst ratio {ratio[0]:.2f} ({ratio[1]} m)",
                ratio[0] <= GROWTH,
            )
        )
    else:
        verdicts.append(
            _verdict("growth from the smallest to the largest size", "one size run", None)
        )

    baselines = _baselines(results)
    if baselines:
        worst_ratio = max(
            (figures[ENGINE][stat] / figures[name][stat], name, stat[:3], radius, size)
            for size in judged
            for radius, figures in _rotation(results, size).items()
            for name in baselines
            for stat in ("p50_us", "p99_us")
        )
        verdicts.append(
            _verdict(
                f"no baseline faster by more than 10 % at p50 or p99, any radius, {at}",
                "worst engine/baseline {:.2f} ({}, {}, {} m, {})".format(
                    *worst_ratio[:4], _size_label(worst_ratio[4])
                ),
                worst_ratio[0] <= BASELINE_SLACK,
            )
        )
        advantages = []
        for size in judged:
            rotation = _rotation(results, size)
            engine_worst = max(figures[ENGINE]["p99_us"] for figures in rotation.values())
            best_name, best_worst = min(
                (
                    (name, max(figures[name]["p99_us"] for figures in rotation.values()))
                    for name in baselines
                ),
                key=lambda pair: pair[1],
            )
            advantages.append(
                (best_worst / engine_worst, best_name, size, engine_worst, best_worst)
            )
        least = min(advantages)
        verdicts.append(
            _verdict(
                f"engine's worst p99 over radii ≥ {ADVANTAGE:g}× better than the best "
                f"baseline's, {at}",
                f"{least[0]:.1f}× ({_size_label(least[2])}: engine {_us(least[3])} µs, "
                f"{least[1]} {_us(least[4])} µs)",
                least[0] >= ADVANTAGE,
            )
        )
    else:
        verdicts.append(_verdict("against the baselines", "baselines not run", None))

    build = max(
        (results["sizes"][str(size)]["build_s"][ENGINE] / (size / 1e6), size) for size in judged
    )
    verdicts.append(
        _verdict(
            f"build ≤ {BUILD_S_PER_M:g} s per million posts, {at}",
            f"{build[0]:.2f} s/M ({_size_label(build[1])})",
            build[0] <= BUILD_S_PER_M,
        )
    )
    memory = max(
        (results["sizes"][str(size)]["memory"]["beyond_raw_bytes_per_post"], size)
        for size in judged
    )
    verdicts.append(
        _verdict(
            f"memory beyond the raw columns ≤ {BYTES_PER_POST:g} B/post, {at}",
            f"{memory[0]:.1f} B/post ({_size_label(memory[1])})",
            memory[0] <= BYTES_PER_POST,
        )
    )
    update = max(
        (results["sizes"][str(size)]["churn"][verb]["p50_us"], verb, size)
        for size in judged
        for verb in ("add", "remove")
    )
    verdicts.append(
        _verdict(
            f"add / remove p50 ≤ {UPDATE_P50_US:g} µs, {at}",
            f"worst {_us(update[0])} µs ({update[1]}, {_size_label(update[2])})",
            update[0] <= UPDATE_P50_US,
        )
    )
    during = [
        (figures["p50_us"], figures["p99_us"], radius, size)
        for size in judged
        for radius, figures in results["sizes"][str(size)]["churn"]["search_during"].items()
        if figures["n"]
    ]
    verdicts.append(
        _verdict(
            f"searches within target while 1 % of posts change, {at}",
            f"worst p50 {_us(max(d[0] for d in during))} µs, "
            f"p99 {_us(max(d[1] for d in during))} µs",
            all(p50 <= P50_US and p99 <= P99_US for p50, p99, _, _ in during),
        )
    )
    return verdicts


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    baselines = _baselines(results)
    lines = [
        "# Benchmark results",
        "",
        f"{machine['date']} · {machine['cpu']} ({machine['cores']} cores) · Python "
        f"{machine['python']} · numpy {machine['numpy']} · seed {results['config']['seed']}"
        f" · k = {results['config']['limit']}",
        "",
        "Load average (1 min) at start {:.2f}, at end {:.2f}.".format(
            machine["load_average_at_start"][0],
            machine.get("load_average_at_end", [float("nan")])[0],
        ),
        "",
    ]
    if machine.get("note"):
        lines += [f"> {machine['note']}", ""]
    lines += [
        "## Search latency, µs, p50 / p99",
        "",
        "Measured in rotation: engine and baselines answer each query in turn, in one "
        "process, so other work runs between two searches of a method (as in a server). "
        "*Warm*: the engine alone, the same queries again. Every answer was checked "
        f"against the geodesic oracle ({results['answers_checked']:,} answers, "
        + (
            f"**{results['mismatches']} mismatches**: see results.json)."
            if results["mismatches"]
            else "no mismatch)."
        ),
        "",
        "| posts | radius | engine | engine warm | " + " | ".join(baselines) + " |",
        "|---:|---:|---:|---:|" + "---:|" * len(baselines),
    ]
    for size in _sizes(results):
        for radius, figures in results["sizes"][str(size)]["search"].items():
            cells = [_pair(figures["rotation"][ENGINE]), _pair(figures["warm"][ENGINE])]
            cells += [_pair(figures["rotation"][name]) for name in baselines]
            lines.append(f"| {_size_label(size)} | {radius} m | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Build, memory, updates, viewports",
        "",
        "| posts | build s/M (engine) | "
        + "".join(f"build s/M ({name}) | " for name in baselines)
        + "B/post beyond raw (tracemalloc) | add µs | remove µs | "
        "search during churn, worst p99 µs | within_box 300 m µs | within_box 3 km µs |",
        "|---:|---:|" + "---:|" * len(baselines) + "---:|---:|---:|---:|---:|---:|",
    ]
    for size in _sizes(results):
        entry = results["sizes"][str(size)]
        per_million = size / 1e6
        builds = [f"{entry['build_s'][name] / per_million:.2f}" for name in [ENGINE, *baselines]]
        churn = entry["churn"]
        during = max(f["p99_us"] for f in churn["search_during"].values() if f["n"])
        lines.append(
            f"| {_size_label(size)} | "
            + " | ".join(builds)
            + f" | {entry['memory']['beyond_raw_bytes_per_post']:.1f} "
            f"({entry['memory']['tracemalloc_beyond_raw_bytes_per_post']:.1f}) | "
            f"{_pair(churn['add'])} | "
            f"{_pair(churn['remove'])} | {_us(during)} | {_pair(entry['within_box']['street'])} | "
            f"{_pair(entry['within_box']['district'])} |"
        )
    first = results["sizes"][str(_sizes(results)[0])]
    lines += [
        "",
        f"Memory: {first['memory']['method']} (beside it, tracemalloc's count of what a "
        "second build retains); the raw columns (id, lat, lon, created_at: 32 bytes a post) "
        "excluded. Add/remove and the searches during "
        "churn: 1 % of the posts change (40 % new, 30 % replaced, 30 % removed), a search "
        "after every tenth change; the final state is checked against a fresh oracle.",
    ]
    subscriptions = results.get("subscriptions") or {}
    if subscriptions:
        lines += [
            "",
            f"Reverse matching: {subscriptions['count']:,} subscriptions (circles of 100 m to "
            f"1 km), `matching()` p50 / p99 {_pair(subscriptions['matching'])} µs for "
            f"{subscriptions['matching']['n']:,} new posts ({subscriptions['mean_matches']:.1f} "
            f"circles each on average); `add` p50 / p99 {_pair(subscriptions['add'])} µs.",
        ]
    if baselines:
        lines += [
            "",
            f"Baselines stop after {results['config']['baseline_budget_s']:g} s per size and "
            "radius (with at least 30 queries): their slow cells hold fewer samples.",
        ]
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [
        f"| {t['target']} | {t['measured']} | **{t['status']}** |" for t in results["targets"]
    ]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], out: Path) -> None:
    """results.json, results.md and the plots into ``out``."""
    from benchmarks.plots import plot

    out.mkdir(parents=True, exist_ok=True)
    results["targets"] = targets(results)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    plot(results, out)


def _size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} k"
    return f"{size:,}"


def _us(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _pair(figures: dict[str, float]) -> str:
    if not figures.get("n"):
        return "–"
    return f"{_us(figures['p50_us'])} / {_us(figures['p99_us'])}"
