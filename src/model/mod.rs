//! What the map is made of: features and their layers (projected, triangulated, indexed), the
//! atlas that holds them, and the view, style and filter they are seen through. Depends on no
//! other folder of the crate.

pub mod atlas;
pub mod background;
pub mod date;
pub mod feature;
pub mod filter;
pub mod guard;
pub mod layer;
pub mod measure;
pub mod projection;
pub mod store;
pub mod style;
pub mod validity;
pub mod view;
