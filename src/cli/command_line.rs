//! The command line shared by both executables: the map window, or `render` (PNG or SVG),
//! `validate`, `stats` and `bench` without a display.

use crate::app::AppState;
use crate::app::session::load_session;
use crate::cli::render::{RenderRequest, bbox_warning, parse_bbox, parse_size, render_to_file};
use crate::cli::validate;
use crate::model::feature::Language;
use crate::scene::SceneOptions;
use crate::scene::fonts::{self, Faces};
use crate::ui::AtlasApp;
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Karabakh Atlas: a map of the liberated territories, their rebuilding and its sources.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The largest data file to open, in megabytes (by default half the machine's memory);
    /// larger files are refused up front.
    #[arg(long, global = true, default_value_t = crate::io::default_max_file_bytes() / 1_000_000)]
    max_file_mb: u64,
    /// The project (slides) file to open and autosave; by default one in the app's data folder.
    #[arg(long)]
    project: Option<PathBuf>,
    /// Files to open as extra layers in the window: GeoJSON, CSV, KML/KMZ, Shapefile, GeoPackage.
    files: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a PNG or SVG of the map without opening a window (no display or GPU needed).
    Render(RenderArgs),
    /// Loads files as the window does and times each phase: parse, prepare (projection and
    /// triangulation), index, render of the full extent and of a sixteenth of it, and picks.
    Bench {
        /// Files to load, together, as one map.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Render size, WIDTHxHEIGHT.
        #[arg(long, default_value = "1920x1080")]
        size: String,
        /// How many exact picks to time, at points spread over the data.
        #[arg(long, default_value_t = 10_000)]
        picks: usize,
        /// Also time this many interactive frames of a scripted pan and zoom (CPU time of
        /// the scene, egui shapes and tessellation), and report p50 and p95.
        #[arg(long, default_value_t = 0)]
        frames: usize,
        /// Print one JSON line instead of a line per measure.
        #[arg(long)]
        json: bool,
    },
    /// Writes the shipped layers (or the files named) to PostGIS tables, with a primary key
    /// and a GiST index, in one transaction; publishing again replaces them.
    Publish {
        /// The database: postgresql://user@host:port/database (password from PGPASSWORD or
        /// ~/.pgpass).
        #[arg(long)]
        to: String,
        /// The schema the tables go to.
        #[arg(long, default_value = "atlas")]
        schema: String,
        /// Files to publish, one table each, named after the file; none publishes the
        /// shipped layers, each under its id.
        files: Vec<PathBuf>,
    },
    /// Makes a big PostGIS table quick to view zoomed out: a grid table beside it counts its
    /// rows at every zoom band, kept current by triggers; run it again to make it anew.
    /// Needs the table's owner.
    Prepare {
        /// The table: postgresql://user@host:port/database?table=schema.name
        table: String,
    },
    /// Prints the table comparing the liberated districts as CSV.
    Stats {
        /// Language of the names: az or en.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Checks data files (by default the shipped data): required properties, unique ids,
    /// ISO dates, URLs, geometry, and distance to the named district.
    Validate {
        /// Files to check; none checks the shipped geodata.
        files: Vec<PathBuf>,
        /// Check the files by the atlas's own rules: its required properties are errors, not
        /// notes.
        #[arg(long)]
        atlas: bool,
    },
}

/// The `render` command's options.
#[derive(clap::Args)]
struct RenderArgs {
    /// The PNG or SVG file to write (with --slides: the folder for one PNG per slide).
    #[arg(long)]
    out: PathBuf,
    /// A project file whose slides to render, one PNG each.
    #[arg(long)]
    slides: Option<PathBuf>,
    /// Image size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1600x1000")]
    size: String,
    /// Area to show, W,S,E,N in degrees; by default the liberated districts. A box wider than
    /// the farthest zoom shows is drawn around its middle, with a warning.
    #[arg(long)]
    bbox: Option<String>,
    /// Label language: az or en.
    #[arg(long, default_value = "az")]
    lang: String,
    /// Colour districts by demined hectares in this year.
    #[arg(long)]
    choropleth: Option<String>,
    /// Show only what existed or had happened by this date (YYYY-MM-DD).
    #[arg(long)]
    as_of: Option<String>,
    /// A title drawn at the top of the map.
    #[arg(long, default_value = "")]
    title: String,
    /// Draw a legend of the layers, district colours and filters.
    #[arg(long)]
    legend: bool,
    /// Draw a north arrow.
    #[arg(long)]
    north_arrow: bool,
    /// Print the date (the --as-of date, or today's).
    #[arg(long)]
    date: bool,
    /// Print the data attribution.
    #[arg(long)]
    attribution: bool,
    /// All of the above: legend, north arrow, date and attribution.
    #[arg(long)]
    furniture: bool,
    /// Leave out the scale bar.
    #[arg(long)]
    no_scale_bar: bool,
    /// Extra files drawn over the map: GeoJSON, CSV, KML/KMZ, Shapefile, GeoPackage.
    files: Vec<PathBuf>,
}

/// Parses the command line and runs what it asks; the exit code says whether it worked.
pub fn run() -> ExitCode {
    let mut cli = Cli::parse();
    // A database URL's password is kept in memory only: what is shown, saved or logged from
    // here on names the database without it.
    strip_passwords(&mut cli);
    crate::model::guard::install_panic_hook();
    let max_bytes = cli.max_file_mb.saturating_mul(1_000_000);
    let result = match cli.command {
        Some(Command::Render(args)) => match &args.slides {
            Some(project) => render_slides(project, &args.out, &args.size, &args.lang),
            None => render(&args, max_bytes),
        },
        Some(Command::Validate { files, atlas }) => validate(&files, atlas, max_bytes),
        Some(Command::Stats { lang }) => stats(&lang),
        Some(Command::Publish { to, schema, files }) => publish(&to, &schema, &files, max_bytes),
        Some(Command::Prepare { table }) => prepare(&table),
        Some(Command::Bench {
            files,
            size,
            picks,
            frames,
            json,
        }) => bench(&files, &size, picks, frames, json, max_bytes),
        None => run_window(cli.files, cli.project, max_bytes),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("karabakh-atlas: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn render_slides(
    project: &std::path::Path,
    out: &std::path::Path,
    size: &str,
    lang: &str,
) -> anyhow::Result<()> {
    let (width, height) = parse_size(size)?;
    let (project, recovered) = crate::app::project::load(project)?;
    if let Some(note) = recovered {
        eprintln!("warning: {note}");
    }
    let n =
        crate::app::present::render_slides(&project, out, width, height, parse_language(lang)?)?;
    println!("wrote {n} slides to {}", out.display());
    Ok(())
}

fn parse_language(lang: &str) -> anyhow::Result<Language> {
    match lang {
        "az" => Ok(Language::Azerbaijani),
        "en" => Ok(Language::English),
        other => anyhow::bail!("--lang {other}: expected az or en"),
    }
}

fn strip_passwords(cli: &mut Cli) {
    let strip = |files: &mut Vec<PathBuf>| {
        for file in files.iter_mut() {
            *file = crate::io::postgis::without_password(file);
        }
    };
    strip(&mut cli.files);
    match &mut cli.command {
        Some(Command::Render(args)) => strip(&mut args.files),
        Some(Command::Validate { files, .. }) | Some(Command::Bench { files, .. }) => strip(files),
        _ => {}
    }
}

fn publish(to: &str, schema: &str, files: &[PathBuf], max_bytes: u64) -> anyhow::Result<()> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let shown = crate::io::postgis::redact(to);
    for table in crate::cli::publish::run(to, schema, &paths, max_bytes)? {
        println!("{shown}: {}: {} rows", table.table, table.rows);
    }
    Ok(())
}

fn prepare(url: &str) -> anyhow::Result<()> {
    let source = crate::io::postgis::Source::parse(url).map_err(anyhow::Error::msg)?;
    let made = crate::io::postgis::grid::prepare(&source).map_err(anyhow::Error::msg)?;
    println!(
        "{}: {} rows counted in {} squares over {} zoom bands, in {:.1} s; kept current by triggers",
        made.grid,
        made.rows,
        made.squares,
        crate::io::postgis::grid::LEVELS,
        made.took.as_secs_f64()
    );
    Ok(())
}

fn bench(
    files: &[PathBuf],
    size: &str,
    picks: usize,
    frames: usize,
    json: bool,
    max_bytes: u64,
) -> anyhow::Result<()> {
    let (width, height) = parse_size(size)?;
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let report = crate::cli::bench::run(&paths, max_bytes, width, height, picks, frames)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

fn stats(lang: &str) -> anyhow::Result<()> {
    let atlas = crate::io::embedded::atlas();
    let table = crate::query::stats::all_district_stats(&atlas, parse_language(lang)?);
    let columns = crate::query::stats::columns(&atlas);
    print!("{}", crate::query::stats::to_csv(&table, &columns));
    Ok(())
}

fn validate(files: &[PathBuf], atlas: bool, max_bytes: u64) -> anyhow::Result<()> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let report = if files.is_empty() {
        validate::validate_embedded()
    } else if atlas {
        validate::validate_paths_for_atlas(&paths, max_bytes)
    } else {
        validate::validate_paths(&paths, max_bytes)
    };
    let mut findings = report.findings.clone();
    findings.sort_by_key(|f| f.severity);
    for finding in &findings {
        eprintln!("{finding}");
    }
    println!("{}", report.summary());
    if report.errors() > 0 {
        anyhow::bail!("validation found {} errors", report.errors());
    }
    Ok(())
}

fn render(args: &RenderArgs, max_bytes: u64) -> anyhow::Result<()> {
    let out = args.out.as_path();
    let choropleth_year = args.choropleth.as_deref();
    let as_of = match args.as_of.as_deref() {
        Some(date) => Some(
            crate::model::date::Date::parse(date)
                .with_context(|| format!("--as-of {date}: expected a date such as 2024-05-31"))?,
        ),
        None => None,
    };
    let (width, height) = parse_size(&args.size)?;
    let bbox = args.bbox.as_deref().map(parse_bbox).transpose()?;
    if let Some(warning) = bbox.and_then(|b| bbox_warning(b, width, height)) {
        eprintln!("warning: {warning}");
    }
    let language = parse_language(&args.lang)?;
    let mut atlas = crate::io::embedded::atlas();
    for file in &args.files {
        crate::io::loader::add_file(&mut atlas, file, max_bytes)?;
    }
    for message in &atlas.messages {
        eprintln!("warning: {message}");
    }
    if let Some(year) = choropleth_year
        && !atlas.demining_years().iter().any(|y| y == year)
    {
        anyhow::bail!(
            "--choropleth {year}: the districts have demined hectares only for {}",
            atlas.demining_years().join(", ")
        );
    }
    let faces = Faces::load().context("the bundled font cannot be read")?;
    let filter = crate::model::filter::FeatureFilter {
        as_of,
        ..Default::default()
    };
    let request = RenderRequest {
        export: crate::draw::export::ExportOptions {
            width,
            height,
            title: args.title.clone(),
            legend: args.legend || args.furniture,
            scale_bar: !args.no_scale_bar,
            north_arrow: args.north_arrow || args.furniture,
            date: args.date || args.furniture,
            attribution: args.attribution || args.furniture,
        },
        bbox,
        options: SceneOptions {
            language,
            choropleth_year,
            filter: &filter,
            ..SceneOptions::default()
        },
    };
    render_to_file(&atlas, &faces, &request, out)?;
    Ok(())
}

fn run_window(files: Vec<PathBuf>, project: Option<PathBuf>, max_bytes: u64) -> anyhow::Result<()> {
    let faces = Faces::load().context("the bundled font cannot be read")?;
    let mut state = AppState::new(crate::io::embedded::atlas(), faces);
    state.files.max_file_bytes = max_bytes;
    state.files.pending = files;
    let data_dir = eframe::storage_dir("karabakh-atlas");
    state.files.offline_dir = data_dir.as_ref().map(|d| d.join("offline copies"));
    if let Some(dir) = &data_dir {
        let path = dir.join("session.json");
        if path.exists() || crate::io::save::backup_path(&path).exists() {
            match load_session(&path) {
                Ok((session, note)) => {
                    state.restore(&session);
                    state.doc.atlas.messages.extend(note);
                }
                Err(e) => state
                    .doc
                    .atlas
                    .messages
                    .push(format!("the last session cannot be restored: {e}")),
            }
        }
        state.session_path = Some(path);
    }
    // A project named on the command line brings its whole setup; the deck kept between
    // runs brings only its slides, since the session holds the rest.
    let explicit = project.is_some();
    let project = project.or_else(|| data_dir.as_ref().map(|d| d.join("slides.json")));
    if let Some(path) = project {
        if path.exists() || crate::io::save::backup_path(&path).exists() {
            state.open_project(&path, explicit);
        }
        state.deck.path = Some(path);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Karabakh Atlas")
            .with_app_id("karabakh-atlas")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 420.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "Karabakh Atlas",
        options,
        Box::new(|cc| {
            fonts::install(&cc.egui_ctx);
            Ok(Box::new(AtlasApp::new(state)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window cannot open: {e}"))
}
