//! The commands that run without a window: `render`, `validate` and `bench`.

pub mod bench;
pub mod render;
pub mod validate;
