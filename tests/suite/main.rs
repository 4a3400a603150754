//! Every integration test in one binary: linking eframe once rather than once a file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure

mod fuzz_checks;
mod support;

mod architecture;
mod bad_inputs;
mod bench;
mod big_layers;
mod clusters;
mod code_pages;
mod crash_safety;
mod data_truth;
mod dense;
mod exports;
mod files;
mod filters;
mod formats;
mod fuzz_corpus;
mod glyphs;
mod load_errors;
mod lod;
mod measure;
mod offline;
mod paint;
mod pick;
mod portable;
mod postgis;
mod postgis_grid;
mod postgis_live;
mod postgis_offline;
mod postgis_view_filters;
mod postgis_views;
mod presentation;
mod projection;
mod render;
mod search;

mod seed_facts;
mod slide_layout;
// Rendered with wgpu on Mesa's lavapipe (Vulkan), which Linux CI has and Wine does not pass
// through: the Windows build leaves them out, and with them wgpu (see Cargo.toml).
#[cfg(unix)]
mod snapshots;
mod soak;
mod stats;
mod triangulation;
mod ui;
mod validate;
mod validity;
