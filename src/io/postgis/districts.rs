//! How many of a table's rows each liberated district holds, counted on the server by the
//! rule the app applies to a file's features (`Atlas::district_of`): the district a row's own
//! `district` column names, else the smallest district whose outline holds the row's anchor
//! (the point itself; for lines and areas the server's point on surface).

use super::table::Table;

/// A district as the count needs it: the districts layer's feature, in the layer's order.
#[derive(Clone, Debug)]
pub struct District {
    /// Its `id` property: what the counts are keyed by.
    pub id: String,
    /// Its `district` property: the name a row's `district` column gives.
    pub name: Option<String>,
    pub kind: Option<String>,
    pub area_ha: Option<f64>,
    /// Its outline, as WKB in longitude/latitude.
    pub wkb: Vec<u8>,
}

impl District {
    /// The districts of `atlas`'s districts layer, in its order.
    pub fn of_atlas(atlas: &crate::model::atlas::Atlas) -> Vec<District> {
        use crate::model::layer::LayerRole;
        let Some(layer) = atlas.layers.iter().find(|l| l.role == LayerRole::Districts) else {
            return Vec::new();
        };
        layer
            .features()
            .filter_map(|f| {
                let wkb = super::wkb_of(&f.lonlat()).ok()?;
                Some(District {
                    id: f.str("id")?.to_owned(),
                    name: f.str("district").map(str::to_owned),
                    kind: f.kind().map(str::to_owned),
                    area_ha: f.area_ha(),
                    wkb,
                })
            })
            .collect()
    }
}

/// Each district's id and the rows of `table` it holds, every row of the table counted.
pub(crate) fn count(
    client: &mut postgres::Client,
    table: &Table,
    srid: i32,
    points: bool,
    districts: &[District],
) -> Result<Vec<(String, usize)>, postgres::Error> {
    if districts.is_empty() {
        return Ok(Vec::new());
    }
    let g = format!("t.{}", table.geometry_sql());
    let anchor = if points {
        g.clone()
    } else {
        format!("ST_PointOnSurface({g})")
    };
    let outline = match srid {
        0 => "ST_GeomFromWKB(wkb)".to_owned(),
        4326 => "ST_GeomFromWKB(wkb, 4326)".to_owned(),
        s => format!("ST_Transform(ST_GeomFromWKB(wkb, 4326), {s})"),
    };
    let from = &table.from;
    // The row's own `district`, when it is text (as a file's string property is):
    // `Atlas::district_named`, the one district the name gives (itself, or a longer name
    // beginning with it and a space), else among several the first holding the anchor, else
    // the first that is a district rather than a city.
    let (by_name, named_rows) = match table.property("district") {
        Some(c) if c.kind == super::table::ColumnKind::Text => {
            let named = format!("t.{}::text", super::quote("district"));
            let candidate = format!("(k.name = {named} OR starts_with(k.name, {named} || ' '))");
            let by_name = format!(
                "CASE WHEN {named} IS NULL THEN NULL \
                 WHEN (SELECT count(*) FROM d k WHERE {candidate}) = 1 \
                   THEN (SELECT k.id FROM d k WHERE {candidate}) \
                 ELSE coalesce( \
                   (SELECT k.id FROM d k WHERE {candidate} AND ST_Intersects(k.outline, {anchor}) \
                    ORDER BY k.ord LIMIT 1), \
                   (SELECT k.id FROM d k WHERE {candidate} AND k.kind = 'district' \
                    ORDER BY k.ord LIMIT 1)) END"
            );
            let named_rows = format!(
                "SELECT id, count(*) AS n FROM (SELECT {by_name} AS id FROM {from} AS t \
                 WHERE {named} IS NOT NULL) AS a WHERE id IS NOT NULL GROUP BY id UNION ALL "
            );
            (by_name, named_rows)
        }
        _ => ("NULL::text".to_owned(), String::new()),
    };
    // The rest by position: a join on the table's index, one district at a time (so that
    // each outline is prepared once: 3.4 s on a million points here, against 9 s row by
    // row), each row kept by the smallest district holding it.
    let sql = format!(
        "WITH d AS (SELECT id, name, kind, area, ord, {outline} AS outline \
           FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bytea[]) \
           WITH ORDINALITY AS u(id, name, kind, area, wkb, ord)) \
         SELECT id, sum(n)::int8 FROM ({named_rows}\
           SELECT c.id, count(*) AS n FROM d c JOIN {from} AS t \
             ON c.outline && {g} AND ST_Intersects(c.outline, {anchor}) \
           WHERE ({by_name}) IS NULL AND NOT EXISTS (SELECT 1 FROM d s \
             WHERE (coalesce(s.area, 'Infinity'), s.ord) < (coalesce(c.area, 'Infinity'), c.ord) \
             AND ST_Intersects(s.outline, {anchor})) \
           GROUP BY c.id) AS counted GROUP BY id"
    );
    let ids: Vec<&str> = districts.iter().map(|d| d.id.as_str()).collect();
    let names: Vec<Option<&str>> = districts.iter().map(|d| d.name.as_deref()).collect();
    let kinds: Vec<Option<&str>> = districts.iter().map(|d| d.kind.as_deref()).collect();
    let areas: Vec<Option<f64>> = districts.iter().map(|d| d.area_ha).collect();
    let outlines: Vec<&[u8]> = districts.iter().map(|d| d.wkb.as_slice()).collect();
    let rows = client.query(sql.as_str(), &[&ids, &names, &kinds, &areas, &outlines])?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as usize))
        .collect())
}
