//! Karabakh Atlas: a map viewer of Azerbaijan's liberated territories.
//!
//! Data flows one way: `geodata/*.geojson` → [`load`] → [`layer`] (R-tree, meshes) in an
//! [`atlas`] → [`view`] (camera) → [`scene`] (culled, styled, labelled) → [`paint`] in the
//! window or [`raster`] to PNG. The [`ui`] panels read and change the [`app`] state.

pub mod app;
pub mod atlas;
pub mod backdrop;
pub mod bench;
pub mod clusters;
pub mod dense;
pub mod export;
pub mod feature;
pub mod filter;
pub mod fonts;
pub mod formats;
pub mod guard;
pub mod labels;
pub mod layer;
pub mod load;
pub mod loader;
pub mod lod;
pub mod measure;
pub mod paint;
pub mod pick;
pub mod present;
pub mod project;
pub mod projection;
pub mod raster;
pub mod render;
pub mod scene;
pub mod search;
pub mod session;
pub mod stats;
pub mod style;
pub mod svg;
pub mod tessellate;
pub mod ui;
pub mod validate;
pub mod validity;
pub mod view;
