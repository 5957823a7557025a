#!/usr/bin/env python3
"""Plots how Granted's cost grows with live tokens, from `granted-bench --scaling --json`.

    swift run -c release granted-bench --scaling --json > /tmp/scaling.txt
    Benchmarks/peers/setup                      # the venv, with matplotlib (pinned)
    Benchmarks/peers/.venv/bin/python Benchmarks/plot_scaling.py /tmp/scaling.txt
    Benchmarks/peers/.venv/bin/python Benchmarks/plot_scaling.py --markdown < /tmp/scaling.txt

Reads the JSON lines ({"kind": "scaling", "size": ..., "path": ...}) from the files named, or
from stdin; every other line (the human table, the header) is skipped. Writes one PNG
(default Benchmarks/scaling.png) with three panels against live tokens on a log axis:
throughput per path (per CPU second, and wall clock dotted), p99 (and p50) latency per path, and resident bytes per live token; p99.9
is in the --markdown table.
--markdown also prints the figures as a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PATHS = ["cc", "bearer", "introspect", "refresh"]
COLORS = {"cc": "tab:blue", "bearer": "tab:orange", "introspect": "tab:green", "refresh": "tab:red"}


def read_rows(sources: list[str]) -> list[dict]:
    """The scaling rows of every source, in order; a later row for the same (size, path) wins."""
    lines: list[str] = []
    if sources:
        for source in sources:
            lines += Path(source).read_text().splitlines()
    else:
        lines = sys.stdin.read().splitlines()
    rows: dict[tuple[int, str], dict] = {}
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if row.get("kind") == "scaling":
            rows[(row["size"], row["path"])] = row
    order = {path: i for i, path in enumerate(PATHS)}
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], order.get(k[1], len(PATHS)), k[1]))]


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def markdown(rows: list[dict]) -> str:
    out = [
        "| live tokens | path | ops timed | ops per CPU s | ops/s (wall) | p50 µs | p99 µs | p99.9 µs | resident bytes/token |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {label(r['size'])} | {r['path']} | {r['ops']:,} | {r['ops_per_cpu_s']:,.0f} | {r['ops_per_s']:,.0f} | "
            f"{r['p50_ns'] / 1000:.1f} | {r['p99_ns'] / 1000:.1f} | {r['p999_ns'] / 1000:.1f} | "
            f"{r['bytes_per_token']:.0f} |"
        )
    return "\n".join(out)


def plot(rows: list[dict], output: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: write the file only
    import matplotlib.pyplot as plt

    sizes = sorted({r["size"] for r in rows})
    paths = [p for p in PATHS if any(r["path"] == p for r in rows)]
    paths += sorted({r["path"] for r in rows} - set(paths))
    figure, (throughput, latency, memory) = plt.subplots(1, 3, figsize=(16, 5), constrained_layout=True)
    for path in paths:
        mine = sorted((r for r in rows if r["path"] == path), key=lambda r: r["size"])
        xs = [r["size"] for r in mine]
        color = COLORS.get(path)
        throughput.plot(xs, [r["ops_per_cpu_s"] for r in mine], "o-", color=color, label=path)
        throughput.plot(xs, [r["ops_per_s"] for r in mine], ":", color=color, alpha=0.5)
        latency.plot(xs, [r["p99_ns"] / 1000 for r in mine], "o-", color=color, label=path)
        latency.plot(xs, [r["p50_ns"] / 1000 for r in mine], "s:", color=color, markersize=3)
    # Bytes per token belong to the size, not the path: one line.
    per_size = {r["size"]: r["bytes_per_token"] for r in rows}
    memory.plot(sizes, [per_size[s] for s in sizes], "o-", color="tab:purple")
    # The in-memory store keeps a token in 72 bytes (32-byte digest key, 40-byte compact value)
    # in Swift dictionaries that double when ¾ full: between 72/0.75 and 72/0.375 bytes a token.
    for bytes, what in [(96, "72 B at ¾ load"), (192, "72 B at ⅜ load (just doubled)")]:
        memory.axhline(bytes, color="grey", linestyle="--", linewidth=0.8)
        memory.annotate(what, (sizes[0], bytes), textcoords="offset points", xytext=(0, -11), fontsize="small", color="grey")
    for s in sizes:
        memory.annotate(f"{per_size[s]:.0f}", (s, per_size[s]), textcoords="offset points", xytext=(0, 7), ha="center")

    for axes, ylabel, heading in [
        (throughput, "operations per second, one caller", "Throughput: per CPU second solid, wall dotted"),
        (latency, "latency per operation, µs (log)", "Latency: p99 solid, p50 dotted"),
        (memory, "resident bytes per live token", "Memory per live token (prefill)"),
    ]:
        axes.set_xscale("log")
        axes.set_xticks(sizes, [label(s) for s in sizes])
        axes.minorticks_off()
        axes.set_xlabel("live access tokens in the store")
        axes.set_ylabel(ylabel)
        axes.set_title(heading)
        axes.grid(True, which="major", alpha=0.3)
    throughput.set_ylim(bottom=0)
    memory.set_ylim(bottom=0)
    latency.set_yscale("log")
    throughput.legend()
    latency.legend()
    figure.suptitle(title)
    figure.savefig(output, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", help="files of granted-bench --scaling --json output (default: stdin)")
    parser.add_argument("-o", "--output", type=Path, default=Path(__file__).resolve().parent / "scaling.png")
    parser.add_argument("--title", default="Granted: cost against live tokens (granted-bench --scaling)")
    parser.add_argument("--markdown", action="store_true", help="also print the rows as a Markdown table")
    arguments = parser.parse_args()
    rows = read_rows(arguments.sources)
    if not rows:
        print("plot_scaling: no scaling rows (run granted-bench --scaling --json)", file=sys.stderr)
        return 1
    plot(rows, arguments.output, arguments.title)
    print(f"plot_scaling: wrote {arguments.output} from {len(rows)} rows", file=sys.stderr)
    if arguments.markdown:
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
