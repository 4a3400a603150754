//! Library calls that can panic on odd input (a geometry check, a triangulator, a file
//! parser), run so that a panic becomes an error message instead of ending the thread.
//!
//! The loaders check what they can before handing data to a library; this is the net under
//! what they cannot foresee. Inside a guarded call the panic hook installed by
//! [`install_panic_hook`] stays quiet, since the panic is reported as an error where it
//! happened.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// How many guarded calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`; a panic inside it comes back as `Err` with the panic's message.
pub fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    DEPTH.with(|d| d.set(d.get() + 1));
    // Whatever `f` touched is dropped or left as it was by the caller, who gets only the
    // error: nothing half-changed is used after a panic.
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// Whether this thread is inside [`catching`].
pub fn active() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Wraps the current panic hook so that it is not called for panics inside [`catching`]:
/// those are reported where they happen. Every other panic reaches the hook as before.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !active() {
                previous(info);
            }
        }));
    });
}

/// The problems geo's rules find in `geometry` (empty when it is valid; see `validity`). geo's
/// relate can itself panic on some invalid geometries ("topology position conflict"); that is
/// reported as a problem.
pub fn geometry_problems(geometry: &geo::Geometry<f64>) -> Vec<String> {
    catching(|| crate::model::validity::problems(geometry))
        .unwrap_or_else(|message| vec![format!("geo could not check it: {message}")])
}
