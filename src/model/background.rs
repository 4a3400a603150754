//! Work the window does not wait for (the meshes of a new zoom band, the images of dense
//! layers), on one pool of threads: all cores but one, which the window keeps for its
//! frames, at the lowest priority.
//!
//! Measured on Natural Earth with two cores: while the meshes were built on a pool of their
//! own beside the images' thread, three threads were runnable on two cores and the window's
//! frames were preempted for 2–4 ms slices (frame p95 7 ms for 3.5 ms of work), even with the
//! builds at the lowest priority. One pool keeps them to one core.

use std::sync::OnceLock;

/// Runs `job` on the background threads and returns at once (on rayon's threads when the
/// pool could not be started).
pub fn spawn(job: impl FnOnce() + Send + 'static) {
    match pool() {
        Some(pool) => pool.spawn(job),
        None => rayon::spawn(job),
    }
}

/// Runs `job` on the background threads and waits for what it returns (here when the pool
/// could not be started). Parallel iterators inside it share the same threads.
pub fn run<R: Send>(job: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(job),
        None => job(),
    }
}

/// How many threads the background has: all cores but one.
pub fn threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_sub(1).max(1)
}

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads())
            .thread_name(|i| format!("background-{i}"))
            .start_handler(|_| lower_this_thread())
            .build()
            .ok()
    })
    .as_ref()
}

/// Makes this thread run only when a core is free: on Linux `SCHED_IDLE`, elsewhere the
/// lowest priority. Without either the work only competes with the frames; nothing is lost.
fn lower_this_thread() {
    use thread_priority::{ThreadPriority, set_current_thread_priority};
    #[cfg(target_os = "linux")]
    {
        use thread_priority::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        if set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle).is_ok() {
            return;
        }
    }
    let _ = set_current_thread_priority(ThreadPriority::Min);
}
