#!/usr/bin/env bash
# Fills .fuzz/corpus/<target>/ (not committed) with seeds: the shipped data, tests/data/ (the
# bad-input corpus too), the hand-written seeds in .fuzz/seeds/<target>/ and the minimized
# corpus committed in tests/data/fuzz/<target>/. Files over the target's -max_len are cut
# there; a GeoJSON file over it also gives a valid copy holding only its first features.
set -euo pipefail
cd "$(dirname "$0")/.."
max=$((64 * 1024))
add() { # target file...
  local target=$1; shift
  mkdir -p ".fuzz/corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local name=${f#.}
    head -c "$max" "$f" > ".fuzz/corpus/$target/${name//\//_}"
  done
}
add geojson geodata/*.geojson geodata/*.json tests/data/bad/* .fuzz/seeds/geojson/* tests/data/fuzz/geojson/*
add project assets/great-return.json tests/data/bad/*.project.json .fuzz/seeds/project/* tests/data/fuzz/project/*
add session .fuzz/seeds/session/* tests/data/fuzz/session/*
# Every JSON seed is worth a try as a project or a session too.
add project .fuzz/seeds/session/* tests/data/bad/top-level-*.geojson
add session assets/great-return.json .fuzz/seeds/project/*
add csv tests/data/formats/*.csv tests/data/formats/*.tsv tests/data/bad/*.csv geodata/import/*.csv geodata/import/curated/*.csv .fuzz/seeds/csv/* tests/data/fuzz/csv/*
add kml tests/data/formats/*.kml tests/data/bad/*.kml .fuzz/seeds/kml/* tests/data/fuzz/kml/*
add gpkg tests/data/formats/*.gpkg tests/data/bad/*.gpkg tests/data/fuzz/gpkg/*
python3 .fuzz/make_shapefile_seeds.py
add shapefile tests/data/fuzz/shapefile/*
# Valid GeoJSON under the size cap from the files over it: the first features only.
for f in geodata/*.geojson; do
  [ "$(stat -c %s "$f")" -gt "$max" ] || continue
  python3 - "$f" "$max" > ".fuzz/corpus/geojson/$(basename "$f" .geojson)-head.geojson" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
limit = int(sys.argv[2])
features = []
for f in data["features"]:
    trial = dict(data, features=features + [f])
    if len(json.dumps(trial, ensure_ascii=False).encode()) > limit:
        break
    features.append(f)
print(json.dumps(dict(data, features=features), ensure_ascii=False))
PY
done
for t in geojson project session csv kml shapefile gpkg; do
  echo "$t: $(ls ".fuzz/corpus/$t" | wc -l) seeds"
done
