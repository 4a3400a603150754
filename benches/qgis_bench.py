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

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time

from qgis.core import (
    QgsApplication,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPointXY,
    QgsRectangle,
    QgsSpatialIndex,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def ms(start):
    return (time.perf_counter() - start) * 1000.0


def render(layer, extent, width, height, path):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(width, height))
    settings.setBackgroundColor(QColor(222, 233, 240))
    settings.setExtent(extent)
    start = time.perf_counter()
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(path, "PNG")
    return ms(start), settings.mapUnitsPerPixel()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--picks", type=int, default=10000)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))

    qgs = QgsApplication([], False)
    qgs.initQgis()

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

    def pct(q):
        return times[min(len(times) - 1, round((len(times) - 1) * q))] if times else float("nan")

    print(
        json.dumps(
            {
                "file": args.file,
                "features": len(features),
                "vertices": vertices,
                "load_ms": round(load_ms, 1),
                "index_ms": round(index_ms, 1),
                "render_full_ms": round(render_full_ms, 1),
                "render_zoom_ms": round(render_zoom_ms, 1),
                "picks": args.picks,
                "pick_median_us": round(pct(0.5), 1),
                "pick_p99_us": round(pct(0.99), 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )
    qgs.exitQgis()


if __name__ == "__main__":
    main()
