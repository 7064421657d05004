//! Forecasts and how they are scored: outcomes, the Brier score and
//! calibration. A statement says how likely something is (a step of a
//! verbal scale, kept with its probability at the time it was made); once
//! it comes due an editor records what happened. Statements whose outcome
//! cannot be told are left out of every score.

use std::collections::BTreeMap;

/// What became of a forecast statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Happened,
    DidNotHappen,
    /// It cannot be told whether it happened (left out of the scores).
    Unclear,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Happened, Outcome::DidNotHappen, Outcome::Unclear];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Happened => "happened",
            Outcome::DidNotHappen => "not-happened",
            Outcome::Unclear => "unclear",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// 1 or 0 for scoring; `None` when it cannot be told.
    pub fn value(self) -> Option<f64> {
        match self {
            Outcome::Happened => Some(1.0),
            Outcome::DidNotHappen => Some(0.0),
            Outcome::Unclear => None,
        }
    }
}

/// A probability in whole percent, as the likelihood scale keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u8);

impl Percent {
    pub fn new(p: i64) -> Option<Percent> {
        u8::try_from(p).ok().filter(|p| *p <= 100).map(Percent)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn probability(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// One resolved statement: what was forecast and what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    pub percent: Percent,
    pub outcome: Outcome,
}

/// The Brier score of a set of statements: the mean of (p − o)², where p is
/// the forecast probability and o is 1 if it happened, 0 if not. 0 is
/// perfect; always saying 50% scores 0.25. `None` when nothing can be
/// scored.
pub fn brier(items: &[Resolved]) -> Option<f64> {
    let squares: Vec<f64> = items
        .iter()
        .filter_map(|r| {
            let o = r.outcome.value()?;
            let d = r.percent.probability() - o;
            Some(d * d)
        })
        .collect();
    if squares.is_empty() {
        None
    } else {
        Some(squares.iter().sum::<f64>() / squares.len() as f64)
    }
}

/// How many statements made at one probability came true.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub percent: Percent,
    /// Statements at this probability whose outcome is known.
    pub count: usize,
    pub happened: usize,
}

impl Bin {
    /// The share that happened (0 to 1).
    pub fn observed(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.happened as f64 / self.count as f64
        }
    }
}

/// Calibration: for each probability used, how often such statements came
/// true, lowest probability first. A well-calibrated forecaster's "70%"
/// statements happen about 70% of the time.
pub fn calibration(items: &[Resolved]) -> Vec<Bin> {
    let mut bins: BTreeMap<Percent, (usize, usize)> = BTreeMap::new();
    for r in items {
        let Some(o) = r.outcome.value() else { continue };
        let bin = bins.entry(r.percent).or_default();
        bin.0 += 1;
        if o > 0.5 {
            bin.1 += 1;
        }
    }
    bins.into_iter()
        .map(|(percent, (count, happened))| Bin {
            percent,
            count,
            happened,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(p: i64, o: Outcome) -> Resolved {
        Resolved {
            percent: Percent::new(p).unwrap(),
            outcome: o,
        }
    }

    use Outcome::{DidNotHappen as No, Happened as Yes, Unclear};

    #[test]
    fn outcomes_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(Outcome::parse("maybe"), None);
        assert_eq!(Percent::new(101), None);
        assert_eq!(Percent::new(-1), None);
    }

    #[test]
    fn brier_scores_match_hand_computed_values() {
        // (0.9 − 1)² + (0.7 − 0)² + (0.5 − 1)² + (0.1 − 0)²
        // = 0.01 + 0.49 + 0.25 + 0.01 = 0.76; / 4 = 0.19.
        let items = [r(90, Yes), r(70, No), r(50, Yes), r(10, No)];
        assert!((brier(&items).unwrap() - 0.19).abs() < 1e-12);
        // Certainty that comes true scores 0, certainty that fails 1.
        assert_eq!(brier(&[r(100, Yes), r(0, No)]), Some(0.0));
        assert_eq!(brier(&[r(100, No)]), Some(1.0));
        // Always 50%: 0.25 whatever happens.
        assert_eq!(brier(&[r(50, Yes), r(50, No), r(50, No)]), Some(0.25));
        // Unclear outcomes are left out: (0.75 − 1)² = 0.0625.
        assert_eq!(brier(&[r(75, Yes), r(95, Unclear)]), Some(0.0625));
        assert_eq!(brier(&[r(95, Unclear)]), None);
        assert_eq!(brier(&[]), None);
    }

    #[test]
    fn calibration_counts_each_probability_apart() {
        let items = [
            r(75, Yes),
            r(25, No),
            r(75, Yes),
            r(75, No),
            r(25, Yes),
            r(25, No),
            r(25, No),
            r(95, Unclear),
        ];
        let bins = calibration(&items);
        assert_eq!(bins.len(), 2, "the unclear 95% statement makes no bin");
        assert_eq!(
            (bins[0].percent.get(), bins[0].count, bins[0].happened),
            (25, 4, 1)
        );
        assert_eq!(bins[0].observed(), 0.25);
        assert_eq!(
            (bins[1].percent.get(), bins[1].count, bins[1].happened),
            (75, 3, 2)
        );
        assert!((bins[1].observed() - 2.0 / 3.0).abs() < 1e-12);
    }
}
