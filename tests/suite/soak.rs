//! Soak: 10,000 random interactions on the embedded data plus a generated file of 20,000
//! points (pan, zoom, pick, toggle layers, search, filter by date, step through slides)
//! with no panic, and memory growth under 5% after warm-up: the heap the program holds, counted
//! by a counting allocator, in the same settled state after 5,000 and after 10,000
//! interactions. Resident memory, which also holds what the allocator keeps after a frame's
//! peak, is printed beside it and bounded at 30%.
#![allow(unsafe_code)] // the counting allocator below, in this test only

use crate::support;
use crate::support::window::{atlas_of, embedded_state};

use egui_kittest::Harness;
use karabakh_atlas::scene::fonts;
use karabakh_atlas::ui::AtlasApp;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::Rng;

/// The system allocator, counting the bytes allocated and not yet freed, so that the soak can
/// tell memory the program holds from memory the allocator keeps.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on as it is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with this layout.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap memory the program holds: allocated and not yet freed, in bytes.
fn live_heap_bytes() -> u64 {
    LIVE_BYTES.load(Ordering::Relaxed) as u64
}

/// Resident memory of this process, in bytes.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn generated_points(n: usize, rng: &mut Rng) -> String {
    let features: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"name":"point {i}","kind":"test"}},"geometry":{{"type":"Point","coordinates":[{:.5},{:.5}]}}}}"#,
                rng.range(45.5, 47.6),
                rng.range(38.8, 40.6)
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// Interactions before memory is first measured, while caches (glyphs, shapes, ids) and the
/// allocator settle.
const WARM_UP: usize = 5_000;

/// What memory is measured: after the app is brought back to the same place (the first slide,
/// no selection, search or timeline, every layer as it was at the start) and has drawn a few
/// frames, so that what a frame holds for the moment (the scene of 20,000 points when the view
/// takes them all in, a label layout) is the same each time.
#[derive(Clone, Copy, Debug)]
struct Measure {
    live_heap: u64,
    resident: u64,
}

fn settle_and_measure(harness: &mut Harness<'_, AtlasApp>, visible: &[bool]) -> Measure {
    {
        let app = harness.state_mut();
        app.panels.search.query.clear();
        let s = &mut app.state;
        s.apply_slide(0, false);
        for (layer, shown) in s.doc.atlas.layers.iter_mut().zip(visible) {
            layer.visible = *shown;
        }
        s.selection.clear();
        s.doc.filter.as_of = None;
        s.show.timeline.playing = false;
        s.show.timeline.flashes.clear();
    }
    harness.run_steps(5);
    Measure {
        live_heap: live_heap_bytes(),
        resident: resident_bytes(),
    }
}

#[test]
fn ten_thousand_random_interactions_neither_panic_nor_run_away_in_memory() {
    let mut rng = Rng::new(77);
    let dir = std::env::temp_dir().join(format!("karabakh-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("points.geojson");
    std::fs::write(&big, generated_points(20_000, &mut rng)).unwrap();

    let mut state = embedded_state();
    state.files.pending.push(big);
    state.open_shipped_deck();
    let app = AtlasApp::new(state);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut AtlasApp| app.ui(ui), app);
    harness.run_steps(1);
    harness.state_mut().state.wait_for_loading();
    harness.run_steps(2);
    assert_eq!(
        harness.state().state.doc.atlas.layers.last().unwrap().len(),
        20_000
    );

    let queries = [
        "Susa",
        "Khankendi",
        "Jebrail",
        "Stepanakert",
        "Aghali",
        "zzz",
    ];
    let visible: Vec<bool> = atlas_of(&harness)
        .layers
        .iter()
        .map(|l| l.visible)
        .collect();
    let mut warm = None;
    for i in 0..10_000 {
        let rect = harness
            .state()
            .state
            .map
            .viewport
            .unwrap_or(egui::Rect::from_min_size(
                egui::pos2(250.0, 30.0),
                egui::vec2(700.0, 700.0),
            ));
        let at = egui::pos2(
            rng.range(f64::from(rect.left()), f64::from(rect.right())) as f32,
            rng.range(f64::from(rect.top()), f64::from(rect.bottom())) as f32,
        );
        match rng.next_u64() % 10 {
            0 => harness.key_press(egui::Key::Plus),
            1 => harness.key_press(egui::Key::Minus),
            2 => harness.key_press(
                [
                    egui::Key::ArrowLeft,
                    egui::Key::ArrowRight,
                    egui::Key::ArrowUp,
                    egui::Key::ArrowDown,
                ][i % 4],
            ),
            3 => {
                harness.hover_at(at);
                harness.event(egui::Event::PointerButton {
                    pos: at,
                    button: egui::PointerButton::Primary,
                    pressed: true,
                    modifiers: egui::Modifiers::NONE,
                });
                harness.event(egui::Event::PointerButton {
                    pos: at,
                    button: egui::PointerButton::Primary,
                    pressed: false,
                    modifiers: egui::Modifiers::NONE,
                });
            }
            4 => {
                let s = &mut harness.state_mut().state;
                let n = s.doc.atlas.layers.len();
                let l = (rng.next_u64() as usize) % n;
                s.doc.atlas.layers[l].visible = !s.doc.atlas.layers[l].visible;
            }
            5 => {
                let app = harness.state_mut();
                app.panels.search.query = queries[i % queries.len()].to_owned();
                if i % 2 == 0 {
                    let s = &mut app.state;
                    let query = &app.panels.search.query;
                    let hits = karabakh_atlas::query::search::search(&s.doc.atlas, query, 5);
                    if let Some(h) = hits.first() {
                        s.show_feature(h.feature);
                    }
                    app.panels.search.query.clear();
                }
            }
            6 => {
                let month = (rng.next_u64() % 73) as u32;
                let end = karabakh_atlas::model::date::Month::at(month).end();
                harness.state_mut().state.doc.filter.as_of = (i % 3 != 0).then_some(end);
            }
            7 => {
                let s = &mut harness.state_mut().state;
                let n = s.deck.project.slides.len();
                let next = (rng.next_u64() as usize) % n;
                s.apply_slide(next, i % 2 == 0);
            }
            8 => harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, rng.range(-120.0, 120.0) as f32),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            }),
            _ => harness.key_press(egui::Key::Home),
        }
        harness.step();
        if i % 1_000 == 0 {
            eprintln!(
                "after {i} interactions: {} MB resident, {:.1} MB live heap",
                resident_bytes() / 1_000_000,
                live_heap_bytes() as f64 / 1e6
            );
        }
        if i == WARM_UP {
            warm = Some(settle_and_measure(&mut harness, &visible));
        }
    }
    let warm = warm.unwrap();
    let end = settle_and_measure(&mut harness, &visible);
    let heap_growth = end.live_heap as f64 / warm.live_heap as f64 - 1.0;
    let resident_growth = end.resident as f64 / warm.resident as f64 - 1.0;
    eprintln!(
        "after warm-up: {warm:?}; at the end: {end:?}; live heap {:+.1}%, resident {:+.1}%",
        heap_growth * 100.0,
        resident_growth * 100.0
    );
    assert!(
        heap_growth < 0.05,
        "the live heap grew {:.1}% after warm-up ({} → {} bytes)",
        heap_growth * 100.0,
        warm.live_heap,
        end.live_heap
    );
    // Resident memory also counts what the allocator keeps for reuse after a frame's peak,
    // which the live heap does not; it is bounded loosely, so that a leak the heap count
    // missed (in a library's own allocator, say) would still show.
    assert!(
        resident_growth < 0.30,
        "resident memory grew {:.1}% after warm-up ({} → {} bytes)",
        resident_growth * 100.0,
        warm.resident,
        end.resident
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
