"""What the QGIS benches (`qgis_bench.py`, `qgis_views_bench.py`) share: their command line,
QGIS started headless, a map rendered as ours draws it, and the figures they print."""

import argparse
import json
import resource

from qgis.core import QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def arguments(target, count, default):
    """The command line: TARGET, `--size WxH` and `--COUNT N`; with the width and height."""
    parser = argparse.ArgumentParser()
    parser.add_argument(target)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument(f"--{count}", type=int, default=default)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    return args, width, height


def start_qgis():
    """QGIS without a window; the caller ends it with `exitQgis()`."""
    qgs = QgsApplication([], False)
    qgs.initQgis()
    return qgs


def map_settings(layer, crs, width, height):
    """A map of `layer` alone in `crs`, `width` × `height` pixels, on ours' water colour."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(width, height))
    settings.setBackgroundColor(QColor(222, 233, 240))
    return settings


def render_job(settings):
    """The finished rendering of `settings` (its features fetched and drawn)."""
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job


def percentile(values, q):
    """The `q` quantile of sorted `values` (nearest rank); NaN for none."""
    return values[min(len(values) - 1, round((len(values) - 1) * q))] if values else float("nan")


def finish(qgs, figures):
    """Prints `figures` and then `peak_rss_mb` as one JSON line, and ends QGIS."""
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps({**figures, "peak_rss_mb": peak_rss_mb}))
    qgs.exitQgis()
