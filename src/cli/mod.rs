//! The commands that run without a window: `render`, `validate`, `bench` and `publish`.

pub mod bench;
pub mod publish;
pub mod render;
pub mod validate;
