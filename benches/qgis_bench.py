#!/usr/bin/env python3
"""The QGIS side of BENCHMARKS.md: the same phases as `karabakh-atlas bench`, in QGIS.

Usage (Debian's qgis and python3-qgis, no display needed):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_bench.py FILE [--size 1920x1080] [--picks 10000]

Prints one JSON line: load_ms (open the layer and read every feature), index_ms
(QgsSpatialIndex over the features), render_full_ms and render_zoom_ms
(QgsMapRendererSequentialJob of the full extent and of a sixteenth of it, saved to PNG),
pick_median_us and pick_p99_us (spatial index candidates within the pixel tolerance, then an
exact geometry test, as Identify does), and peak_rss_mb. Pick points come from a fixed seed.
"""

import os
import random
import sys
import tempfile
import time

from qgis.core import (
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsSpatialIndex,
    QgsVectorLayer,
)

from qgis_common import arguments, finish, map_settings, percentile, render_job, start_qgis


def ms(start):
    return (time.perf_counter() - start) * 1000.0


def render(layer, extent, width, height, path):
    settings = map_settings(layer, layer.crs(), width, height)
    settings.setExtent(extent)
    start = time.perf_counter()
    render_job(settings).renderedImage().save(path, "PNG")
    return ms(start), settings.mapUnitsPerPixel()


def main():
    args, width, height = arguments("file", "picks", 10000)
    qgs = start_qgis()

    start = time.perf_counter()
    layer = QgsVectorLayer(args.file, "bench", "ogr")
    if not layer.isValid():
        sys.exit(f"{args.file}: QGIS cannot open it")
    features = {f.id(): f for f in layer.getFeatures()}
    load_ms = ms(start)
    vertices = sum(f.geometry().constGet().nCoordinates() for f in features.values() if f.hasGeometry())

    start = time.perf_counter()
    index = QgsSpatialIndex()
    for f in features.values():
        index.addFeature(f)
    index_ms = ms(start)

    full = layer.extent()
    out = tempfile.mkdtemp()
    render_full_ms, units_per_pixel = render(layer, full, width, height, os.path.join(out, "full.png"))
    c = full.center()
    zoom = QgsRectangle(
        c.x() - full.width() / 8, c.y() - full.height() / 8, c.x() + full.width() / 8, c.y() + full.height() / 8
    )
    render_zoom_ms, _ = render(layer, zoom, width, height, os.path.join(out, "zoom.png"))

    # Identify: candidates from the index within the tolerance, then an exact test.
    tolerance = 7 * units_per_pixel
    rng = random.Random(0x5EED)
    times = []
    for _ in range(args.picks):
        x = full.xMinimum() + rng.random() * full.width()
        y = full.yMinimum() + rng.random() * full.height()
        start = time.perf_counter()
        point = QgsGeometry.fromPointXY(QgsPointXY(x, y))
        box = QgsRectangle(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
        hits = [
            fid
            for fid in index.intersects(box)
            if features[fid].geometry().distance(point) <= tolerance
        ]
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()

    finish(
        qgs,
        {
            "file": args.file,
            "features": len(features),
            "vertices": vertices,
            "load_ms": round(load_ms, 1),
            "index_ms": round(index_ms, 1),
            "render_full_ms": round(render_full_ms, 1),
            "render_zoom_ms": round(render_zoom_ms, 1),
            "picks": args.picks,
            "pick_median_us": round(percentile(times, 0.5), 1),
            "pick_p99_us": round(percentile(times, 0.99), 1),
        },
    )


if __name__ == "__main__":
    main()
