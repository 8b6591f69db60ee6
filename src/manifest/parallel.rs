//! Work on every core, results in input order, on one pool of threads kept for the whole
//! run. Keeping the threads matters: the allocator reuses what a thread freed for that
//! thread's next batch, where fresh threads per batch took fresh memory, and its page
//! faults, every time (bench/changes.md).

use std::sync::OnceLock;

use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Stack for each worker. The full YAML parser nests a few serde frames per YAML level and
/// stops at 64 levels, which needs well under this in any build, whatever the caller's own
/// stack (a test thread has 2 MiB). Untouched stack costs no memory.
const WORKER_STACK: usize = 64 << 20;

fn pool() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .thread_name(|i| format!("manifest-{i}"))
            .stack_size(WORKER_STACK)
            .build()
            .expect("threads can be started for the manifest reader")
    })
}

/// `work` on every item, on the pool's threads; the results in input order.
pub(super) fn map<I, O>(items: &[I], work: impl Fn(&I) -> O + Sync) -> Vec<O>
where
    I: Sync,
    O: Send,
{
    pool().install(|| items.par_iter().map(&work).collect())
}

/// `work` on every item, consuming it on the pool's threads (so what it owns is freed
/// there); the results in input order.
pub(super) fn map_owned<I, O>(items: Vec<I>, work: impl Fn(I) -> O + Sync) -> Vec<O>
where
    I: Send,
    O: Send,
{
    pool().install(|| items.into_par_iter().map(&work).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = map(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let names = map_owned(items.clone(), |i| i.to_string());
        assert_eq!(names, items.iter().map(u32::to_string).collect::<Vec<_>>());
    }

    #[test]
    fn work_runs_on_the_pools_large_stack() {
        // Deep enough to overflow a 2 MiB test thread in a debug build, not 64 MiB.
        fn depth(n: u32) -> u32 {
            let frame = [n; 512];
            if n == 0 {
                0
            } else {
                1 + depth(frame[(n % 512) as usize] - 1)
            }
        }
        assert_eq!(map(&[2000u32], |&n| depth(n)), [2000]);
    }
}
