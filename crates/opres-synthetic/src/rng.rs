//! The seeded generator and the few sampling helpers the generator needs.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// The generator: ChaCha8 is named (unlike `StdRng`, whose algorithm may change between rand
/// releases), portable and fast.
pub(crate) type Gen = ChaCha8Rng;

/// A generator for `seed`.
pub(crate) fn seeded(seed: u64) -> Gen {
    ChaCha8Rng::seed_from_u64(seed)
}

/// One element, uniformly. The slices passed are the non-empty static phrase banks and catalogues.
pub(crate) fn pick<'a, T>(rng: &mut Gen, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len().max(1)).min(items.len().saturating_sub(1))]
}

/// One element by weight (weights need not sum to anything in particular).
pub(crate) fn weighted<'a, T>(rng: &mut Gen, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len().saturating_sub(1)].0
}

/// True with probability `p` (clamped to 0..=1).
pub(crate) fn chance(rng: &mut Gen, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A log-normal draw with the given median and spread (sigma of the underlying normal).
pub(crate) fn lognormal(rng: &mut Gen, median: f64, sigma: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    median * (sigma * z).exp()
}

/// A whole number in `lo..=hi`.
pub(crate) fn between(rng: &mut Gen, lo: i64, hi: i64) -> i64 {
    if hi <= lo { lo } else { rng.random_range(lo..=hi) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn weighted_follows_weights_and_never_leaves_the_list() {
        let mut rng = seeded(1);
        let items = [("a", 1u32), ("b", 3), ("c", 0)];
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            match *weighted(&mut rng, &items) {
                "a" => counts[0] += 1,
                "b" => counts[1] += 1,
                _ => counts[2] += 1,
            }
        }
        assert_eq!(counts[2], 0);
        assert!((800..1200).contains(&counts[0]), "{counts:?}");
    }

    #[test]
    fn lognormal_median_is_about_right() {
        let mut rng = seeded(2);
        let mut v: Vec<f64> = (0..2001).map(|_| lognormal(&mut rng, 100.0, 0.8)).collect();
        v.sort_by(f64::total_cmp);
        assert!((85.0..115.0).contains(&v[1000]), "{}", v[1000]);
    }
}
