//! Every integration test in one binary: linking eframe once rather than once a file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure

mod fuzz_checks;
mod support;

mod bad_inputs;
mod bench;
mod big_layers;
mod clusters;
mod crash_safety;
mod data_truth;
mod dense;
mod files;
mod formats;
mod fuzz_corpus;
mod glyphs;
mod load_errors;
mod lod;
mod measure;
mod offline;
mod paint;
mod pick;
mod presentation;
mod projection;
mod render;
mod search;
mod seed_facts;
mod soak;
mod stats;
mod triangulation;
mod ui;
mod validate;
mod validity;
