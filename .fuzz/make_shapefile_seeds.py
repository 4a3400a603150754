#!/usr/bin/env python3
"""Writes fuzz seeds for the `shapefile` target into .fuzz/corpus/shapefile/ from the
shapefiles in tests/data/ (loose and zipped), in the layout tests/suite/fuzz_checks/mod.rs reads:
three little-endian u16 lengths (.shx, .dbf, .prj), those files, then the .shp."""
import io, pathlib, struct, sys, zipfile

root = pathlib.Path(__file__).resolve().parent.parent
out = root / ".fuzz/corpus/shapefile"
out.mkdir(parents=True, exist_ok=True)
LIMIT = 0xFFFF

def write(name, shp, shx=b"", dbf=b"", prj=b""):
    parts = [p[:LIMIT] for p in (shx, dbf, prj)]
    data = struct.pack("<HHH", *(len(p) for p in parts)) + b"".join(parts) + shp
    (out / name).write_bytes(data)

def sets():
    for shp in sorted(root.glob("tests/data/**/*.shp")):
        side = lambda ext: shp.with_suffix(ext).read_bytes() if shp.with_suffix(ext).exists() else b""
        yield shp.stem, shp.read_bytes(), side(".shx"), side(".dbf"), side(".prj")
    for z in sorted(root.glob("tests/data/**/*.zip")):
        with zipfile.ZipFile(z) as archive:
            names = archive.namelist()
            for n in names:
                if n.lower().endswith(".shp"):
                    stem = n[:-4]
                    get = lambda ext: archive.read(stem + ext) if stem + ext in names else b""
                    yield z.stem, archive.read(n), get(".shx"), get(".dbf"), get(".prj")

count = 0
for stem, shp, shx, dbf, prj in sets():
    write(f"{stem}.seed", shp, shx, dbf, prj)
    write(f"{stem}-shp-only.seed", shp)
    write(f"{stem}-no-shx.seed", shp, b"", dbf, prj)
    count += 3
print(f"shapefile: {count} seeds", file=sys.stderr)
