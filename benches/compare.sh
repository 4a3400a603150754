#!/usr/bin/env bash
# Ours and QGIS one after the other, file by file, three rounds (the medians go to
# BENCHMARKS.md). Each result is one JSON line tagged with the tool and the round.
#
#   bash benches/compare.sh OUT.jsonl FILE...
#
# Environment: ROUNDS (3), OURS (target/release/karabakh-atlas), BEFORE (a second build of
# ours to run beside, for before/after figures),
# QGIS_PICKS (10000), SKIP_QGIS=1 to leave QGIS out. Run on an idle machine.
set -euo pipefail
out=$1
shift
rounds=${ROUNDS:-3}
ours=${OURS:-target/release/karabakh-atlas}
args=(--max-file-mb 4000 --size 1920x1080 --picks 10000 --frames 60 --json)

. "$(dirname "$0")/compare_common.sh"

for round in $(seq 1 "$rounds"); do
    for file in "$@"; do
        echo "round $round: $file" >&2
        "$ours" bench "$file" "${args[@]}" | tag ours "$round" >>"$out" || echo "ours failed on $file" >&2
        if [ -n "${BEFORE:-}" ] && [ "$(stat -c %s "$file")" -lt 536870912 ]; then
            "$BEFORE" bench "$file" "${args[@]}" | tag before "$round" >>"$out" || echo "before failed on $file" >&2
        fi
        qgis_round "$round" benches/qgis_bench.py "$file" --size 1920x1080 --picks "${QGIS_PICKS:-10000}"
    done
done
