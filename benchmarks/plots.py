"""PNG plots of a suite's results (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first)

ENGINE = "engine"


def plot(results: dict[str, Any], out: Path) -> list[Path]:
    """latency_vs_radius.png (one panel per size, engine beside baselines) and
    latency_vs_size.png (the engine, one line per radius). Returns the files written."""
    return [_latency_vs_radius(results, out), _latency_vs_size(results, out)]


def _latency_vs_radius(results: dict[str, Any], out: Path) -> Path:
    sizes = sorted(results["sizes"], key=int)
    figure, axes = plt.subplots(1, len(sizes), figsize=(4.2 * len(sizes), 4), squeeze=False)
    for axis, size in zip(axes[0], sizes, strict=True):
        search = results["sizes"][size]["search"]
        radii = list(search)
        methods = list(next(iter(search.values()))["rotation"])
        for number, method in enumerate(methods):
            colour = f"C{number}"
            for stat, style in (("p50_us", "-"), ("p99_us", "--")):
                values = [search[r]["rotation"][method].get(stat, float("nan")) for r in radii]
                label = f"{method} {stat[:3]}"
                axis.plot(
                    [float(r) for r in radii],
                    values,
                    style,
                    color=colour,
                    marker="o",
                    label=label,
                    linewidth=2.5 if method == ENGINE else 1.2,
                )
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("radius (m)")
        axis.set_ylabel("latency (µs)")
        axis.set_title(f"{int(size):,} posts")
        axis.grid(True, which="both", alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    figure.suptitle("Search latency against radius, k = 20 (rotation)")
    figure.tight_layout()
    path = out / "latency_vs_radius.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _latency_vs_size(results: dict[str, Any], out: Path) -> Path:
    sizes = sorted(results["sizes"], key=int)
    radii = list(results["sizes"][sizes[0]]["search"])
    figure, axis = plt.subplots(figsize=(6.5, 4.2))
    for number, radius in enumerate(radii):
        for stat, style in (("p50_us", "-"), ("p99_us", "--")):
            values = [
                results["sizes"][size]["search"][radius]["rotation"][ENGINE][stat] for size in sizes
            ]
            axis.plot(
                [int(s) for s in sizes],
                values,
                style,
                color=f"C{number}",
                marker="o",
                label=f"{radius} m {stat[:3]}",
            )
    axis.axhline(80, color="grey", linewidth=0.8, linestyle=":")
    axis.axhline(250, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("posts")
    axis.set_ylabel("latency (µs)")
    axis.set_title("Engine search latency against size (targets dotted: 80 and 250 µs)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    path = out / "latency_vs_size.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
