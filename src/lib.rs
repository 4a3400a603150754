//! Karabakh Atlas: a map viewer of Azerbaijan's liberated territories.
//!
//! The folders follow the data one way: [`io`] reads files into the [`model`] (features, layers,
//! atlas, view), [`query`] answers questions of it, [`scene`] makes the picture of one view,
//! [`draw`] paints it in the window or to PNG and SVG; [`app`] holds the application's state,
//! session and slides, [`ui`] its panels, and [`cli`] the commands without a window.

pub mod app;
pub mod cli;
pub mod draw;
pub mod io;
pub mod model;
pub mod query;
pub mod scene;
pub mod ui;
