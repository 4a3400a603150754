-- The PostGIS tables of BENCHMARKS.md ("Big database tables"): 1 million and 10 million
-- points and 1 million small squares over the districts (46.0–47.5° E, 39.0–40.3° N), each
-- with a primary key, a name, a GiST index and fresh statistics. Synthetic: for timing only.
--
--   psql postgresql://atlas:atlas@localhost:5432/atlas_test -f benches/postgis_tables.sql
CREATE SCHEMA IF NOT EXISTS demo;

DROP TABLE IF EXISTS demo.points;
CREATE TABLE demo.points (id integer PRIMARY KEY, name text, geom geometry(Point, 4326));
INSERT INTO demo.points
  SELECT i * 1000 + j, 'p' || (i * 1000 + j),
         ST_SetSRID(ST_MakePoint(46.0 + i * 0.0015 + 0.02 * sin(j), 39.0 + j * 0.0013 + 0.02 * cos(i)), 4326)
  FROM generate_series(0, 999) AS i, generate_series(0, 999) AS j;
CREATE INDEX ON demo.points USING gist (geom);
ANALYZE demo.points;

DROP TABLE IF EXISTS demo.points10m;
CREATE TABLE demo.points10m (id integer PRIMARY KEY, name text, geom geometry(Point, 4326));
INSERT INTO demo.points10m
  SELECT i * 3163 + j, 'p' || (i * 3163 + j),
         ST_SetSRID(ST_MakePoint(46.0 + i * 0.000474 + 0.02 * sin(j * 0.37), 39.0 + j * 0.000411 + 0.02 * cos(i * 0.41)), 4326)
  FROM generate_series(0, 3161) AS i, generate_series(0, 3162) AS j;
CREATE INDEX ON demo.points10m USING gist (geom);
ANALYZE demo.points10m;

DROP TABLE IF EXISTS demo.polygons1m;
CREATE TABLE demo.polygons1m (id integer PRIMARY KEY, name text, geom geometry(Polygon, 4326));
INSERT INTO demo.polygons1m
  SELECT i * 1000 + j, 'a' || (i * 1000 + j),
         ST_MakeEnvelope(46.0 + i * 0.0015, 39.0 + j * 0.0013, 46.0 + i * 0.0015 + 0.0009, 39.0 + j * 0.0013 + 0.0008, 4326)
  FROM generate_series(0, 999) AS i, generate_series(0, 999) AS j;
CREATE INDEX ON demo.polygons1m USING gist (geom);
ANALYZE demo.polygons1m;
