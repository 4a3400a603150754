#!/usr/bin/env bash
# Ours and QGIS's PostGIS provider one after the other on database tables read view by view,
# three rounds (the medians go to BENCHMARKS.md). Each result is one JSON line tagged with the
# tool and the round.
#
#   bash benches/compare_views.sh OUT.jsonl 'postgresql://user:password@host/db?table=s.t'...
#
# Environment: ROUNDS (3), OURS (target/release/karabakh-atlas), FRAMES (60), SKIP_QGIS=1 to
# leave QGIS out. Run on an idle machine, with the tables ANALYZEd.
set -euo pipefail
out=$1
shift
rounds=${ROUNDS:-3}
ours=${OURS:-target/release/karabakh-atlas}
frames=${FRAMES:-60}

. "$(dirname "$0")/compare_common.sh"

for round in $(seq 1 "$rounds"); do
    for url in "$@"; do
        echo "round $round: ${url##*table=}" >&2
        "$ours" bench "$url" --size 1920x1080 --frames "$frames" --json | tag ours "$round" >>"$out" ||
            echo "ours failed on ${url##*table=}" >&2
        qgis_round "$round" benches/qgis_views_bench.py "$url" --size 1920x1080 --frames "$frames"
    done
done
