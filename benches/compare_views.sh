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

tag() { # tool round: prefix each JSON line with the tool and round
    python3 -c 'import json,sys
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line); d["tool"] = sys.argv[1]; d["round"] = int(sys.argv[2]); print(json.dumps(d))' "$1" "$2"
}

for round in $(seq 1 "$rounds"); do
    for url in "$@"; do
        echo "round $round: ${url##*table=}" >&2
        "$ours" bench "$url" --size 1920x1080 --frames "$frames" --json | tag ours "$round" >>"$out" ||
            echo "ours failed on ${url##*table=}" >&2
        if [ -z "${SKIP_QGIS:-}" ]; then
            QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_views_bench.py "$url" \
                --size 1920x1080 --frames "$frames" 2>/dev/null | tag qgis "$round" >>"$out" ||
                true # QGIS 3.22 often crashes in exitQgis() after printing its result
        fi
    done
done
