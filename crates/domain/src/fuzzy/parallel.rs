//! The CPU-bound steps of a detect (preparing records, comparing candidate
//! pairs) spread over the machine's cores with scoped threads: the output
//! is in input order, so results do not depend on the number of cores.

use std::num::NonZeroUsize;

/// Below this many items one thread does the work.
const SMALL: usize = 4_096;

/// `f` of every item, in order, computed on up to as many threads as the
/// machine has cores.
pub(super) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    if threads < 2 || items.len() < SMALL {
        return items.iter().map(&f).collect();
    }
    let size = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(size)
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            match part.join() {
                Ok(done) => out.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_output_keeps_the_input_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let out = super::map(&items, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(super::map(&items[..3], |x| x + 1), vec![1, 2, 3]);
    }
}
