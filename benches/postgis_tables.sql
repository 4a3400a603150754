-- The PostGIS tables of BENCHMARKS.md ("Big database tables"): 1 million and 10 million
-- points and 1 million small squares over the districts (46.0–47.5° E, 39.0–40.3° N), each
-- with a primary key, a name, a GiST index and fresh statistics. Synthetic: for timing only.
--
--   psql postgresql://atlas:atlas@localhost:5432/atlas_test -f benches/postgis_tables.sql
CREATE SCHEMA IF NOT EXISTS demo;

-- Each table is made again from a grid of i × j cells, row i * stride + j: its name is the
-- prefix and that number, its geometry the expression in i and j.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('points', 'Point', 'p', 1000, 999, 999,
     'ST_SetSRID(ST_MakePoint(46.0 + i * 0.0015 + 0.02 * sin(j), 39.0 + j * 0.0013 + 0.02 * cos(i)), 4326)'),
    ('points10m', 'Point', 'p', 3163, 3161, 3162,
     'ST_SetSRID(ST_MakePoint(46.0 + i * 0.000474 + 0.02 * sin(j * 0.37), 39.0 + j * 0.000411 + 0.02 * cos(i * 0.41)), 4326)'),
    ('polygons1m', 'Polygon', 'a', 1000, 999, 999,
     'ST_MakeEnvelope(46.0 + i * 0.0015, 39.0 + j * 0.0013, 46.0 + i * 0.0015 + 0.0009, 39.0 + j * 0.0013 + 0.0008, 4326)')
  ) AS spec (name, kind, prefix, stride, last_i, last_j, geom)
  LOOP
    EXECUTE format('DROP TABLE IF EXISTS demo.%I', t.name);
    EXECUTE format('CREATE TABLE demo.%I (id integer PRIMARY KEY, name text, geom geometry(%s, 4326))', t.name, t.kind);
    EXECUTE format('INSERT INTO demo.%I
      SELECT i * %s + j, %L || (i * %s + j), %s
      FROM generate_series(0, %s) AS i, generate_series(0, %s) AS j',
      t.name, t.stride, t.prefix, t.stride, t.geom, t.last_i, t.last_j);
    EXECUTE format('CREATE INDEX ON demo.%I USING gist (geom)', t.name);
    EXECUTE format('ANALYZE demo.%I', t.name);
  END LOOP;
END $$;
