//! The commands that run without a window: `render`, `validate`, `stats`, `bench` and
//! `publish`, and the command line that starts them or the window.

pub mod bench;
pub mod bench_views;
pub mod command_line;
pub mod publish;
pub mod render;
pub mod validate;
