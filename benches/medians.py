#!/usr/bin/env python3
"""Medians of the rounds `benches/compare.sh` (or `compare_views.sh`) wrote, one table per file, for BENCHMARKS.md.

    python3 benches/medians.py OUT.jsonl

Each cell is the median over the rounds of one tool's figure; "runs" says how many rounds
gave a result (QGIS sometimes crashes on exit after printing, which still counts).
"""

import json
import statistics
import sys
from collections import defaultdict

MEASURES = [
    "first_frame_ms", "load_ms", "index_ms", "first_render_ms", "checks_ms",
    "render_full_ms", "render_zoom_ms", "pick_median_us", "pick_p99_us",
    "peak_rss_mb", "peak_rss_first_frame_mb", "store_mb", "frame_p50_ms", "frame_p95_ms",
    "line_image_p50_ms", "line_image_p95_ms",
    # database tables read view by view (benches/compare_views.sh)
    "full_view_query_ms", "viewport_query_p50_ms", "viewport_query_p95_ms",
    "viewport_query_close_p95_ms",
]


def key_of(row):
    files = row.get("files") or [row.get("file")]
    return " + ".join(f.rsplit("/", 1)[-1] for f in files if f)


def main(path):
    runs = defaultdict(lambda: defaultdict(list))  # file -> tool -> rows
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            runs[key_of(row)][row["tool"]].append(row)
    for file, tools in runs.items():
        names = [t for t in ("ours", "before", "qgis") if t in tools]
        print(f"\n### {file}\n")
        print("| measure | " + " | ".join(f"{t} ({len(tools[t])} runs)" for t in names) + " |")
        print("|---|" + "---:|" * len(names))
        for m in MEASURES:
            cells = []
            for t in names:
                values = [r[m] for r in tools[t] if isinstance(r.get(m), (int, float))]
                cells.append(f"{statistics.median(values):,.1f}" if values else "")
            if any(cells):
                print(f"| {m} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
