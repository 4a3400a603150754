#!/usr/bin/env python3
"""The QGIS side of BENCHMARKS.md for a PostGIS table: the views `karabakh-atlas bench URL`
asks of the server, asked by QGIS's PostGIS provider (each view rendered by
QgsMapRendererSequentialJob, which fetches the features in the view from the server and
draws them), timed one by one.

Usage (Debian's qgis and python3-qgis, no display needed):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_views_bench.py \
        'postgresql://user:password@host:port/db?table=schema.name' [--size 1920x1080] [--frames 60]

The views, in Web Mercator as ours: the table's extent fitted to the size; FRAMES views of a
pan across it, a zoom in to a sixteenth while panning, and a zoom back out; then FRAMES/2
views of a pan at 1:100,000 (0.28 mm points) across its middle. Prints one JSON line:
full_view_query_ms (the first, full view), viewport_query_p50_ms and _p95_ms over all views,
viewport_query_close_p95_ms over those at 1:100,000 or closer, and peak_rss_mb.
"""

import math
import sys
import time
import urllib.parse

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from qgis_common import arguments, finish, map_settings, percentile, render_job, start_qgis

R = 6378137.0


def mercator(lon, lat):
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def layer_from_url(url):
    u = urllib.parse.urlparse(url)
    q = urllib.parse.parse_qs(u.query)
    schema, _, table = q["table"][0].rpartition(".")
    uri = QgsDataSourceUri()
    uri.setConnection(
        u.hostname or "localhost",
        str(u.port or 5432),
        u.path.lstrip("/"),
        urllib.parse.unquote(u.username or ""),
        urllib.parse.unquote(u.password or ""),
    )
    uri.setDataSource(schema or "public", table, q.get("geometry_column", ["geom"])[0], "", "id")
    layer = QgsVectorLayer(uri.uri(False), "bench", "postgres")
    if not layer.isValid():
        sys.exit(f"{table}: QGIS cannot open it")
    return layer


def scripted(full, width, height, i, n):
    """As `scripted_view` in src/cli/bench.rs: (centre x, centre y, metres per point)."""
    fw, fh = full[2] - full[0], full[3] - full[1]
    mpp = max(fw / width, fh / height)
    cx, cy = (full[0] + full[2]) / 2, (full[1] + full[3]) / 2
    t = i / max(n, 1)
    if t < 1 / 3:
        dx, zoom = t * 3 - 0.5, 1.0
    elif t < 2 / 3:
        u = (t - 1 / 3) * 3
        dx, zoom = 0.5 - u * 0.5, 4**u
    else:
        u = (t - 2 / 3) * 3
        dx, zoom = 0.0, 4 ** (1 - u)
    return cx + dx * fw * 0.5, cy, mpp / zoom


def main():
    args, width, height = arguments("url", "frames", 60)
    qgs = start_qgis()
    layer = layer_from_url(args.url)
    crs = QgsCoordinateReferenceSystem("EPSG:3857")
    extent = QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance()).transformBoundingBox(layer.extent())
    full = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())

    def view_ms(cx, cy, mpp):
        settings = map_settings(layer, crs, width, height)
        w, h = width * mpp / 2, height * mpp / 2
        settings.setExtent(QgsRectangle(cx - w, cy - h, cx + w, cy + h))
        start = time.perf_counter()
        render_job(settings)
        return (time.perf_counter() - start) * 1000.0

    def scale(cy, mpp):
        lat = math.degrees(2 * math.atan(math.exp(cy / R)) - math.pi / 2)
        return mpp * math.cos(math.radians(lat)) / 0.00028

    fcx, fcy, fmpp = scripted(full, width, height, 0, 1)
    fcx = (full[0] + full[2]) / 2
    full_view_ms = view_ms(fcx, fcy, fmpp)
    close_mpp = fmpp * 100_000 / scale(fcy, fmpp)
    views = [scripted(full, width, height, i, args.frames) for i in range(args.frames)]
    half = (args.frames + 1) // 2
    views += [
        (full[0] + (full[2] - full[0]) * (0.25 + 0.5 * i / max(half, 1)), fcy, close_mpp) for i in range(half)
    ]
    times, close = [], []
    for cx, cy, mpp in views:
        t = view_ms(cx, cy, mpp)
        times.append(t)
        if scale(cy, mpp) <= 100_000.5:
            close.append(t)
    times.sort()
    close.sort()

    finish(
        qgs,
        {
            "file": urllib.parse.urlunparse(urllib.parse.urlparse(args.url)._replace(netloc=urllib.parse.urlparse(args.url).hostname or "")),
            "viewport_queries": len(times),
            "full_view_query_ms": round(full_view_ms, 1),
            "viewport_query_p50_ms": round(percentile(times, 0.5), 1),
            "viewport_query_p95_ms": round(percentile(times, 0.95), 1),
            "viewport_query_close_p95_ms": round(percentile(close, 0.95), 1),
        },
    )


if __name__ == "__main__":
    main()
