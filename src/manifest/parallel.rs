//! Work on every core, in order: the input is cut into one run of consecutive items per
//! core, each run is handled on its own thread, and the results come back in input order.

use std::num::NonZeroUsize;
use std::thread;

/// Stack for each worker. The full YAML parser nests a few serde frames per YAML level and
/// stops at 64 levels, which needs well under this in any build, whatever the caller's own
/// stack (a test thread has 2 MiB). Untouched stack costs no memory.
const WORKER_STACK: usize = 64 << 20;

/// How many workers to use for `items` of total `size`: one below `parallel_from`, where
/// starting threads costs more than it saves, else one per core.
pub fn workers(items: usize, size: usize, parallel_from: usize) -> usize {
    if size < parallel_from {
        return 1;
    }
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(items).max(1)
}

/// Runs `work` over consecutive runs of `items` of about equal `weight`, one run per
/// worker, and returns the runs' results in order. Always on spawned threads, so the
/// work has `WORKER_STACK` whatever the caller's stack.
pub fn map_runs<I, O, W, F>(items: &[I], workers: usize, weight: W, work: F) -> Vec<O>
where
    I: Sync,
    O: Send,
    W: Fn(&I) -> usize,
    F: Fn(&[I]) -> O + Sync,
{
    let runs = runs(items, workers, weight);
    thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| {
                let work = &work;
                thread::Builder::new()
                    .name("manifest-worker".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || work(run))
                    .expect("a thread can be started for the manifest reader")
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Runs `work` on each item, consuming it on a worker (so what it owns is freed there),
/// and returns the results in order. One worker works on the caller's thread; more get
/// `WORKER_STACK` each, as the readers do, for work on values nested as deep as they allow.
pub fn map_owned<I, O, F>(mut items: Vec<I>, workers: usize, work: F) -> Vec<O>
where
    I: Send,
    O: Send,
    F: Fn(I) -> O + Sync,
{
    if workers <= 1 {
        return items.into_iter().map(work).collect();
    }
    let per_worker = items.len().div_ceil(workers);
    let mut runs = Vec::with_capacity(workers);
    while items.len() > per_worker {
        let rest = items.split_off(per_worker);
        runs.push(std::mem::replace(&mut items, rest));
    }
    runs.push(items);
    thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| {
                let work = &work;
                thread::Builder::new()
                    .name("manifest-worker".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || run.into_iter().map(work).collect::<Vec<O>>())
                    .expect("a thread can be started for the manifest reader")
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Consecutive runs of about equal total weight, at most `workers` of them, never empty.
fn runs<I, W: Fn(&I) -> usize>(items: &[I], workers: usize, weight: W) -> Vec<&[I]> {
    let total: usize = items.iter().map(&weight).sum();
    let per_worker = total.div_ceil(workers.max(1)).max(1);
    let mut runs = Vec::with_capacity(workers);
    let (mut start, mut size) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        size += weight(item);
        if size >= per_worker && runs.len() + 1 < workers {
            runs.push(&items[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < items.len() || runs.is_empty() {
        runs.push(&items[start..]);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_item_once_in_order() {
        let items: Vec<usize> = (1..=10).collect();
        for workers in 1..=12 {
            let runs = runs(&items, workers, |&w| w);
            assert!(runs.len() <= workers.max(1));
            assert_eq!(runs.concat(), items, "{workers} workers");
        }
        assert_eq!(runs::<usize, _>(&[], 3, |&w| w), [&[] as &[usize]]);
    }

    #[test]
    fn runs_balance_by_weight() {
        let items = [100, 1, 1, 1, 100, 1];
        let runs = runs(&items, 2, |&w| w);
        assert_eq!(runs, [&items[..3], &items[3..]], "102 and 102");
    }

    #[test]
    fn results_keep_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let sums = map_runs(&items, 4, |_| 1, |run| run.iter().sum::<u32>());
        assert_eq!(sums.iter().sum::<u32>(), items.iter().sum::<u32>());
        let doubled = map_owned(items.clone(), 3, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }
}
