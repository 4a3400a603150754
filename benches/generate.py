#!/usr/bin/env python3
"""Writes the scale test files for `karabakh-atlas bench`, the same bytes on every run.

Usage, from the repository root:

    python3 benches/generate.py target/bench-data [points-10m]

Writes into the folder given (created if missing; the files are not committed):
  points-1m.geojson      1,000,000 points with a category and a number
  polygons-100k.geojson  100,000 concave polygons (ten-pointed stars), each with a hole
  lines-10k.geojson      10,000 polylines of 500 vertices each (random walks)
and, when `points-10m` is named (about 1.5 GB, a few minutes):
  points-10m.geojson     10,000,000 points as in points-1m
All lie over the Karabakh and East Zangezur regions (45.9..47.6 E, 38.8..40.5 N), follow
RFC 7946 (counter-clockwise exteriors, clockwise holes), and come from a fixed seed.
"""

import math
import os
import random
import sys

WEST, SOUTH, EAST, NORTH = 45.9, 38.8, 47.6, 40.5
KINDS = ["survey", "cleared", "suspected", "planned", "other"]


def coord(x, y):
    return f"[{x:.6f},{y:.6f}]"


def write_collection(path, features):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for i, feature in enumerate(features):
            if i:
                out.write(",\n")
            out.write(feature)
        out.write("\n]}\n")
    print(f"wrote {path}: {os.path.getsize(path)} bytes")


def points(rng, n):
    for i in range(n):
        x = rng.uniform(WEST, EAST)
        y = rng.uniform(SOUTH, NORTH)
        yield (
            f'{{"type":"Feature","properties":{{"id":{i},"kind":"{KINDS[i % 5]}",'
            f'"value":{rng.randint(0, 10000)}}},'
            f'"geometry":{{"type":"Point","coordinates":{coord(x, y)}}}}}'
        )


def star_ring(cx, cy, outer, inner, n, clockwise):
    pts = []
    for k in range(2 * n):
        a = math.pi * k / n
        r = outer if k % 2 == 0 else inner
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a) * 0.8))
    if clockwise:
        pts.reverse()
    pts.append(pts[0])
    return "[" + ",".join(coord(x, y) for x, y in pts) + "]"


def polygons(rng, n):
    for i in range(n):
        cx = rng.uniform(WEST + 0.01, EAST - 0.01)
        cy = rng.uniform(SOUTH + 0.01, NORTH - 0.01)
        size = rng.uniform(0.0008, 0.004)
        exterior = star_ring(cx, cy, size, size * 0.45, 5, clockwise=False)
        hole = star_ring(cx, cy, size * 0.3, size * 0.2, 4, clockwise=True)
        yield (
            f'{{"type":"Feature","properties":{{"id":{i},"kind":"{KINDS[i % 5]}"}},'
            f'"geometry":{{"type":"Polygon","coordinates":[{exterior},{hole}]}}}}'
        )


def lines(rng, n, vertices):
    for i in range(n):
        x = rng.uniform(WEST, EAST)
        y = rng.uniform(SOUTH, NORTH)
        heading = rng.uniform(0, 2 * math.pi)
        pts = []
        for _ in range(vertices):
            pts.append(coord(x, y))
            heading += rng.uniform(-0.4, 0.4)
            x = min(max(x + 0.002 * math.cos(heading), WEST), EAST)
            y = min(max(y + 0.002 * math.sin(heading), SOUTH), NORTH)
        yield (
            f'{{"type":"Feature","properties":{{"id":{i}}},'
            f'"geometry":{{"type":"LineString","coordinates":[{",".join(pts)}]}}}}'
        )


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["points-10m"]):
        sys.exit(__doc__)
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    if sys.argv[2:] == ["points-10m"]:
        write_collection(os.path.join(folder, "points-10m.geojson"), points(random.Random(4), 10_000_000))
        return
    write_collection(os.path.join(folder, "points-1m.geojson"), points(random.Random(1), 1_000_000))
    write_collection(os.path.join(folder, "polygons-100k.geojson"), polygons(random.Random(2), 100_000))
    write_collection(os.path.join(folder, "lines-10k.geojson"), lines(random.Random(3), 10_000, 500))


if __name__ == "__main__":
    main()
