//! Painting a scene: egui shapes in the window, a PNG by the CPU rasterizer, SVG vectors, the
//! window's images of dense layers, and map exports with their furniture.

pub mod backdrop;
pub mod export;
pub mod paint;
pub mod raster;
pub mod svg;
