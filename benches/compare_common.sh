# What compare.sh and compare_views.sh share; sourced by them, after they set `out`.

tag() { # tool round: prefix each JSON line with the tool and round
    python3 -c 'import json,sys
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line); d["tool"] = sys.argv[1]; d["round"] = int(sys.argv[2]); print(json.dumps(d))' "$1" "$2"
}

qgis_round() { # round script arg...: one QGIS bench run, its result tagged, unless SKIP_QGIS
    local round=$1 script=$2
    shift 2
    if [ -z "${SKIP_QGIS:-}" ]; then
        QT_QPA_PLATFORM=offscreen /usr/bin/python3 "$script" "$@" 2>/dev/null | tag qgis "$round" >>"$out" ||
            true # QGIS 3.22 often crashes in exitQgis() after printing its result
    fi
}
