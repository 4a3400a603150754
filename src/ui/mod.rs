//! The window's panels, one file each; every function takes the `Ui` and the app state.

pub mod detail_panel;
pub mod district_stats;
pub mod export_window;
pub mod file_dialog;
pub mod layer_panel;
pub mod map_view;
pub mod menu;
pub mod presentation;
pub mod search_box;
pub mod slides_panel;
pub mod status_bar;
pub mod windows;
