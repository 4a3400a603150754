#!/usr/bin/env python3
"""Writes the test files in tests/data/formats/ and the non-GeoJSON bad files in tests/data/bad/.

Deterministic: running it twice gives the same bytes (zip dates are fixed, no clock is read).
Needs pyshp (`pip install pyshp==3.1.6`); everything else is the standard library.

    python3 tests/data/formats/make.py

The places are real (GeoNames positions, as in geodata/settlements.geojson); the lines and
areas are sketches made for the tests, not survey data.
"""

import io
import math
import os
import sqlite3
import struct
import zipfile

import shapefile  # pyshp

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "..", "bad")

# id, name_az, name_en, district, population, lon, lat
TOWNS = [
    ("settlement-147105", "Şuşa", "Shusha", "Shusha", 19400, 46.74989, 39.76006),
    ("settlement-148619", "Ağdam", "Aghdam", "Aghdam", 37700, 46.92736, 39.99096),
    ("settlement-148106", "Füzuli", "Fuzuli", "Fuzuli", 25100, 47.14529, 39.60094),
    ("settlement-147625", "Laçın", "Lachin", "Lachin", 2300, 46.54977, 39.63742),
    ("settlement-146970", "Xankəndi", "Khankendi", "Khankendi", 2100, 46.7528, 39.8177),
]

# A road sketch from Füzuli to Şuşa (lon, lat).
ROAD = [(47.14529, 39.60094), (47.02, 39.64), (46.90, 39.70), (46.81, 39.73), (46.74989, 39.76006)]

# An area around Ağdam with a hole (counter-clockwise exterior, as GeoJSON and KML draw them).
AREA_OUTER = [(46.88, 39.95), (46.98, 39.95), (46.98, 40.03), (46.88, 40.03), (46.88, 39.95)]
AREA_HOLE = [(46.92, 39.98), (46.92, 40.00), (46.94, 40.00), (46.94, 39.98), (46.92, 39.98)]
# A second, separate area near Füzuli (no hole).
AREA_2 = [(47.10, 39.57), (47.18, 39.57), (47.18, 39.63), (47.10, 39.63), (47.10, 39.57)]

PRJ_WGS84 = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
# As ArcGIS writes it: no AUTHORITY, ESRI names.
PRJ_UTM38N = (
    'PROJCS["WGS_1984_UTM_Zone_38N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",45.0],PARAMETER["Scale_Factor",0.9996],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
PRJ_UNKNOWN = (
    'PROJCS["Karabakh_Site_Grid",GEOGCS["GCS_Site",DATUM["D_Site",'
    'SPHEROID["Site_Sphere",6378000.0,0.0]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Site_Grid_Transform"],'
    'PARAMETER["Scale",1.0],UNIT["Meter",1.0]]'
)
WKT_4326 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]]'
)
WKT_3857 = (
    'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",'
    'SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],'
    'PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],'
    'PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,'
    'AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],'
    'EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 '
    '+k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]'
)


# ---------------------------------------------------------------- projections (for the data)


def utm38n(lon, lat):
    """WGS84 lon/lat to UTM zone 38N metres (Krüger series, sub-millimetre here)."""
    a = 6378137.0
    f = 1 / 298.257223563
    k0 = 0.9996
    lon0 = math.radians(45.0)
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = [
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16,
        13 * n**2 / 48 - 3 * n**3 / 5,
        61 * n**3 / 240,
    ]
    phi = math.radians(lat)
    lam = math.radians(lon) - lon0
    e2n = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - e2n * math.atanh(e2n * math.sin(phi)))
    xi = math.atan2(t, math.cos(lam))
    eta = math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    e = eta + sum(alpha[j] * math.cos(2 * (j + 1) * xi) * math.sinh(2 * (j + 1) * eta) for j in range(3))
    nn = xi + sum(alpha[j] * math.sin(2 * (j + 1) * xi) * math.cosh(2 * (j + 1) * eta) for j in range(3))
    return (500000.0 + k0 * big_a * e, k0 * big_a * nn)


def web_mercator(lon, lat):
    r = 6378137.0
    return (r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def rnd(p, digits):
    return (round(p[0], digits), round(p[1], digits))


def clockwise(ring):
    """Shapefile exteriors are clockwise: reverse a counter-clockwise ring."""
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    return list(reversed(ring)) if area > 0 else list(ring)


def counter_clockwise(ring):
    return list(reversed(clockwise(ring)))


# ---------------------------------------------------------------- text formats


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def csv_files():
    rows = ["id,name_az,name_en,latitude,longitude,population"]
    for i, az, en, _, pop, lon, lat in TOWNS:
        rows.append(f"{i},{az},{en},{lat},{lon},{pop}")
    write(os.path.join(HERE, "settlements.csv"), "\r\n".join(rows) + "\r\n")

    # Semicolons and decimal commas, as a spreadsheet in an Azerbaijani or Turkish locale saves.
    rows = ["ad;rayon;lat;lon"]
    for _, az, _, district, _, lon, lat in TOWNS[:3]:
        rows.append(f"{az};{district};{str(lat).replace('.', ',')};{str(lon).replace('.', ',')}")
    write(os.path.join(HERE, "settlements-semicolon.csv"), "\n".join(rows) + "\n")

    # Tabs, Azerbaijani headers (enlik = latitude, uzunluq = longitude).
    rows = ["Ad\tUzunluq\tEnlik"]
    for _, az, _, _, _, lon, lat in TOWNS[3:]:
        rows.append(f"{az}\t{lon}\t{lat}")
    write(os.path.join(HERE, "settlements.tsv"), "\n".join(rows) + "\n")

    # Column names no detector should guess: the caller names them.
    rows = ["site,gps_n,gps_e,surveyed"]
    for _, az, _, _, _, lon, lat in TOWNS[:4]:
        rows.append(f"{az},{lat},{lon},2024-05-31")
    write(os.path.join(HERE, "survey-unusual-columns.csv"), "\n".join(rows) + "\n")

    # A WKT geometry column, quoted because WKT holds commas.
    hole = ", ".join(f"{x} {y}" for x, y in AREA_HOLE)
    outer = ", ".join(f"{x} {y}" for x, y in AREA_OUTER)
    road = ", ".join(f"{x} {y}" for x, y in ROAD)
    rows = [
        "name,WKT",
        f'Şuşa,"POINT ({TOWNS[0][5]} {TOWNS[0][6]})"',
        f'Zəfər yolu (sketch),"LINESTRING ({road})"',
        f'Ağdam area (sketch),"POLYGON (({outer}), ({hole}))"',
    ]
    write(os.path.join(HERE, "areas-wkt.csv"), "\n".join(rows) + "\n")


def geojson_sequences():
    def feature(t):
        i, az, en, _, _, lon, lat = t
        return (
            '{"type":"Feature","properties":{"id":"%s","name_az":"%s","name_en":"%s"},'
            '"geometry":{"type":"Point","coordinates":[%s,%s]}}' % (i, az, en, lon, lat)
        )

    write(os.path.join(HERE, "settlements.geojsonl"), "".join(feature(t) + "\n" for t in TOWNS))
    # RFC 8142: each record starts with the record separator and ends with a line feed.
    write(os.path.join(HERE, "settlements.geojsons"), "".join("\x1e" + feature(t) + "\n" for t in TOWNS[:3]))


def coords(ring):
    return " ".join(f"{x},{y},0" for x, y in ring)


KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>Karabakh test places</name>
  <Style id="town"><IconStyle><scale>1.1</scale></IconStyle></Style>
  <Folder>
    <name>Towns</name>
    <Placemark>
      <name>Şuşa</name>
      <description>District centre, Shusha</description>
      <styleUrl>#town</styleUrl>
      <ExtendedData>
        <Data name="id"><value>{TOWNS[0][0]}</value></Data>
        <Data name="population"><value>{TOWNS[0][4]}</value></Data>
      </ExtendedData>
      <Point><coordinates>{TOWNS[0][5]},{TOWNS[0][6]},0</coordinates></Point>
    </Placemark>
    <Placemark>
      <name>Ağdam</name>
      <ExtendedData>
        <SchemaData schemaUrl="#towns">
          <SimpleData name="id">{TOWNS[1][0]}</SimpleData>
          <SimpleData name="district">{TOWNS[1][3]}</SimpleData>
        </SchemaData>
      </ExtendedData>
      <Point><coordinates>{TOWNS[1][5]},{TOWNS[1][6]}</coordinates></Point>
    </Placemark>
  </Folder>
  <Folder>
    <name>Roads</name>
    <Placemark>
      <name>Zəfər yolu (sketch)</name>
      <LineString><tessellate>1</tessellate><coordinates>
        {coords(ROAD)}
      </coordinates></LineString>
    </Placemark>
  </Folder>
  <Placemark>
    <name>Ağdam area (sketch)</name>
    <Polygon>
      <outerBoundaryIs><LinearRing><coordinates>{coords(AREA_OUTER)}</coordinates></LinearRing></outerBoundaryIs>
      <innerBoundaryIs><LinearRing><coordinates>{coords(AREA_HOLE)}</coordinates></LinearRing></innerBoundaryIs>
    </Polygon>
  </Placemark>
  <Placemark>
    <name>Füzuli and Laçın</name>
    <MultiGeometry>
      <Point><coordinates>{TOWNS[2][5]},{TOWNS[2][6]}</coordinates></Point>
      <Point><coordinates>{TOWNS[3][5]},{TOWNS[3][6]}</coordinates></Point>
    </MultiGeometry>
  </Placemark>
  <Placemark>
    <name>No geometry here</name>
  </Placemark>
</Document>
</kml>
"""

KMZ_DOC = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>Karabakh towns (KMZ)</name>
  {"".join(f'''<Placemark><name>{az}</name><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>
  ''' for _, az, _, _, _, lon, lat in TOWNS)}
</Document>
</kml>
"""


def zip_write(path, members):
    """A zip whose bytes do not depend on the clock or the umask."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def kml_files():
    write(os.path.join(HERE, "karabakh.kml"), KML)
    zip_write(
        os.path.join(HERE, "karabakh.kmz"),
        [("doc.kml", KMZ_DOC.encode()), ("files/readme.txt", b"Test KMZ for Karabakh Atlas.\n")],
    )


# ---------------------------------------------------------------- shapefiles


def shapefile_set(kind, project, digits, prj):
    """Returns {extension: bytes} of a shapefile of the towns (kind "towns") or areas."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    w = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT if kind == "towns" else shapefile.POLYGON, encoding="utf-8")
    if kind == "towns":
        w.field("ID", "C", 20)
        w.field("NAME_AZ", "C", 40)
        w.field("NAME_EN", "C", 40)
        w.field("POP", "N", 10, 0)
        for i, az, en, _, pop, lon, lat in TOWNS:
            x, y = rnd(project(lon, lat), digits)
            w.point(x, y)
            w.record(i, az, en, pop)
    else:
        w.field("NAME", "C", 40)
        w.field("HA", "N", 12, 1)
        def ring(r):
            return [rnd(project(x, y), digits) for x, y in r]
        # Two exteriors first, then the hole of the first: a hole is not always next to its
        # exterior, so a reader must put it in the exterior that holds it.
        w.poly([clockwise(ring(AREA_OUTER)), clockwise(ring(AREA_2)), counter_clockwise(ring(AREA_HOLE))])
        w.record("Ağdam and Füzuli areas (sketch)", 7900.0)
        w.poly([clockwise(ring(AREA_2))])
        w.record("Füzuli area (sketch)", 3400.0)
    w.close()
    files = {"shp": shp.getvalue(), "shx": shx.getvalue(), "dbf": dbf.getvalue(), "cpg": b"UTF-8"}
    if prj is not None:
        files["prj"] = prj.encode()
    return files


def shapefile_files():
    identity = lambda lon, lat: (lon, lat)
    sets = {
        "towns-wgs84": shapefile_set("towns", identity, 6, PRJ_WGS84),
        "areas-wgs84": shapefile_set("areas", identity, 6, PRJ_WGS84),
        "towns-utm38n": shapefile_set("towns", utm38n, 2, PRJ_UTM38N),
        "towns-noprj": shapefile_set("towns", identity, 6, None),
    }
    for stem in ["towns-wgs84", "areas-wgs84", "towns-utm38n", "towns-noprj"]:
        for ext, data in sets[stem].items():
            with open(os.path.join(HERE, f"{stem}.{ext}"), "wb") as f:
                f.write(data)
    areas_utm = shapefile_set("areas", utm38n, 2, PRJ_UTM38N)
    zip_write(
        os.path.join(HERE, "areas-utm38n-shapefile.zip"),
        [(f"areas-utm38n/areas-utm38n.{ext}", data) for ext, data in sorted(areas_utm.items())],
    )
    # Bad: cut in the middle of the fourth record, and no .dbf beside it.
    towns = sets["towns-wgs84"]["shp"]
    with open(os.path.join(BAD, "truncated.shp"), "wb") as f:
        f.write(towns[: 100 + 3 * 28 + 14])
    # Bad: a .prj naming a system nothing can convert (in a zip, with its .shp/.shx/.dbf).
    local = shapefile_set("towns", lambda lon, lat: ((lon - 46.0) * 85000.0, (lat - 39.0) * 111000.0), 1, PRJ_UNKNOWN)
    zip_write(
        os.path.join(BAD, "unknown-crs-shapefile.zip"),
        [(f"site-grid.{ext}", data) for ext, data in sorted(local.items())],
    )


# ---------------------------------------------------------------- GeoPackage


def wkb_point(x, y):
    return struct.pack("<BIdd", 1, 1, x, y)


def wkb_polygon(rings):
    out = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring)) + b"".join(struct.pack("<dd", x, y) for x, y in ring)
    return out


def wkb_linestring(points):
    return struct.pack("<BII", 1, 2, len(points)) + b"".join(struct.pack("<dd", x, y) for x, y in points)


def gpkg_blob(srs_id, points, wkb):
    """GeoPackage binary: "GP", version 0, flags (little-endian, xy envelope), srs_id, envelope."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    flags = 0b0000_0011  # envelope [minx, maxx, miny, maxy], little-endian
    return b"GP" + bytes([0, flags]) + struct.pack("<i4d", srs_id, min(xs), max(xs), min(ys), max(ys)) + wkb


def gpkg(path, tables):
    """tables: [(name, srs_id, geometry_type, [(properties dict, points, wkb)])]"""
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 512")
    db.execute("PRAGMA application_id = 1196444487")  # "GPKG"
    db.execute("PRAGMA user_version = 10300")
    db.execute("PRAGMA journal_mode = DELETE")
    db.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
          organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
          definition TEXT NOT NULL, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
          identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL,
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
          m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
        """
    )
    srs = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
        ("WGS 84 geodetic", 4326, "EPSG", 4326, WKT_4326, None),
        ("WGS 84 / Pseudo-Mercator", 3857, "EPSG", 3857, WKT_3857, None),
    ]
    db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", srs)
    for name, srs_id, geometry_type, rows in tables:
        columns = list(rows[0][0].keys())
        column_sql = ", ".join(
            f'"{c}" {"INTEGER" if isinstance(rows[0][0][c], int) else "REAL" if isinstance(rows[0][0][c], float) else "TEXT"}'
            for c in columns
        )
        db.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {geometry_type}, {column_sql})')
        all_points = [p for _, pts, _ in rows for p in pts]
        db.execute(
            "INSERT INTO gpkg_contents VALUES (?, 'features', ?, '', '2026-01-01T00:00:00.000Z', ?, ?, ?, ?, ?)",
            (name, name, min(p[0] for p in all_points), min(p[1] for p in all_points),
             max(p[0] for p in all_points), max(p[1] for p in all_points), srs_id),
        )
        db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)", (name, geometry_type, srs_id))
        for props, pts, wkb in rows:
            placeholders = ", ".join("?" for _ in range(len(columns) + 1))
            quoted = ", ".join(f'"{c}"' for c in columns)
            db.execute(
                f'INSERT INTO "{name}" (geom, {quoted}) VALUES ({placeholders})',
                [gpkg_blob(srs_id, pts, wkb)] + [props[c] for c in columns],
            )
    db.commit()
    db.execute("VACUUM")
    db.close()


def gpkg_files():
    towns = [
        ({"id": i, "name_az": az, "name_en": en, "population": pop}, [(lon, lat)], wkb_point(lon, lat))
        for i, az, en, _, pop, lon, lat in TOWNS
    ]
    areas = [
        ({"name": "Ağdam area (sketch)", "hectares": 7900.5}, AREA_OUTER, wkb_polygon([AREA_OUTER, AREA_HOLE])),
        ({"name": "Füzuli area (sketch)", "hectares": 3400.0}, AREA_2, wkb_polygon([AREA_2])),
    ]
    gpkg(os.path.join(HERE, "karabakh.gpkg"), [("towns", 4326, "POINT", towns), ("areas", 4326, "POLYGON", areas)])

    def merc(ring):
        return [rnd(web_mercator(x, y), 2) for x, y in ring]

    sites = [
        ({"name": az}, [rnd(web_mercator(lon, lat), 2)], wkb_point(*rnd(web_mercator(lon, lat), 2)))
        for _, az, _, _, _, lon, lat in TOWNS[:2]
    ]
    sites.append(
        ({"name": "Ağdam area (sketch)"}, merc(AREA_OUTER), wkb_polygon([merc(AREA_OUTER), merc(AREA_HOLE)]))
    )
    sites.append(({"name": "Zəfər yolu (sketch)"}, merc(ROAD), wkb_linestring(merc(ROAD))))
    gpkg(os.path.join(HERE, "sites-3857.gpkg"), [("sites", 3857, "GEOMETRY", sites)])


# ---------------------------------------------------------------- bad text files


def bad_files():
    # Not well-formed XML: </Placemark> closes a <name> that is still open.
    write(
        os.path.join(BAD, "not-xml.kml"),
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        "<Document>\n  <Placemark>\n    <name>Şuşa\n  </Placemark>\n</Document>\n</kml>\n",
    )
    write(
        os.path.join(BAD, "no-coordinate-columns.csv"),
        "id,name_az,district,population\nsettlement-147105,Şuşa,Shusha,19400\n",
    )
    # Rows 2 and 4 cannot be placed; the others load.
    write(
        os.path.join(BAD, "csv-bad-rows.csv"),
        "name,latitude,longitude\n"
        "Şuşa,39.76006,46.74989\n"
        "Ağdam,thirty-nine,46.92736\n"
        "Füzuli,39.60094,47.14529\n"
        "Laçın,139.63742,46.54977\n"
        "Xankəndi,39.8177,46.7528\n",
    )
    write(os.path.join(BAD, "text-named.gpkg"), "This is a note about the survey, not a GeoPackage.\n")


def main():
    csv_files()
    geojson_sequences()
    kml_files()
    shapefile_files()
    gpkg_files()
    bad_files()


if __name__ == "__main__":
    main()
