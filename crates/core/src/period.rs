//! A span of weeks asked for in an address, as the barometer and the trend
//! charts take it: `?weeks=12`, `?weeks=all`, or `?from=2026-01-05&to=2026-06-29`.

use jiff::ToSpan;
use jiff::civil::Date;

/// Which weeks a chart covers, before it is tied to the site's latest week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The latest `n` weeks, up to the latest edition.
    Weeks(u32),
    /// Every week there is.
    All,
    /// Editions whose week starts within these days (either end open).
    Between(Option<Date>, Option<Date>),
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("{0:?} is not a date in the form YYYY-MM-DD")]
    BadDate(String),
    #[error("the number of weeks must be 1 to {max} or \"all\"", max = Period::MAX_WEEKS)]
    BadWeeks,
    #[error("the period ends before it starts")]
    EndsBeforeStart,
}

impl Default for Period {
    fn default() -> Period {
        Period::Weeks(Period::DEFAULT_WEEKS)
    }
}

fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

impl Period {
    pub const DEFAULT_WEEKS: u32 = 26;
    /// Twenty years of weeks.
    pub const MAX_WEEKS: u32 = 1_044;

    /// Reads the three query parameters; empty values count as absent
    /// (a form sends them so), and dates win over a number of weeks.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        weeks: Option<&str>,
    ) -> Result<Period, PeriodError> {
        let date = |v: Option<&str>| -> Result<Option<Date>, PeriodError> {
            present(v)
                .map(|s| {
                    s.parse::<Date>()
                        .ok()
                        .filter(|_| s.len() == 10)
                        .ok_or_else(|| PeriodError::BadDate(s.chars().take(32).collect()))
                })
                .transpose()
        };
        let (from, to) = (date(from)?, date(to)?);
        if from.is_some() || to.is_some() {
            if let (Some(a), Some(b)) = (from, to)
                && b < a
            {
                return Err(PeriodError::EndsBeforeStart);
            }
            return Ok(Period::Between(from, to));
        }
        match present(weeks) {
            None => Ok(Period::default()),
            Some("all") => Ok(Period::All),
            Some(n) => match n.parse::<u32>() {
                Ok(n) if (1..=Period::MAX_WEEKS).contains(&n) => Ok(Period::Weeks(n)),
                _ => Err(PeriodError::BadWeeks),
            },
        }
    }

    /// The first and last day on which a covered edition's week may start,
    /// given the start of the latest week there is (open ends are `None`).
    pub fn bounds(&self, latest: Option<Date>) -> (Option<Date>, Option<Date>) {
        match *self {
            Period::All => (None, None),
            Period::Between(from, to) => (from, to),
            Period::Weeks(n) => match latest {
                None => (None, None),
                Some(last) => {
                    let days = i64::from(n.saturating_sub(1)) * 7;
                    (last.checked_sub(days.days()).ok(), Some(last))
                }
            },
        }
    }

    /// The period's query string, `?` included; empty for the default.
    pub fn query(&self) -> String {
        match *self {
            Period::Weeks(n) if n == Period::DEFAULT_WEEKS => String::new(),
            Period::Weeks(n) => format!("?weeks={n}"),
            Period::All => "?weeks=all".into(),
            Period::Between(from, to) => {
                let mut parts = Vec::new();
                if let Some(d) = from {
                    parts.push(format!("from={d}"));
                }
                if let Some(d) = to {
                    parts.push(format!("to={d}"));
                }
                format!("?{}", parts.join("&"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_what_the_links_and_the_form_send() {
        assert_eq!(Period::parse(None, None, None), Ok(Period::Weeks(26)));
        assert_eq!(
            Period::parse(Some(""), Some(" "), None),
            Ok(Period::Weeks(26))
        );
        assert_eq!(Period::parse(None, None, Some("12")), Ok(Period::Weeks(12)));
        assert_eq!(Period::parse(None, None, Some("all")), Ok(Period::All));
        assert_eq!(
            Period::parse(Some("2026-01-05"), Some(""), Some("12")),
            Ok(Period::Between(Some(d("2026-01-05")), None))
        );
        assert_eq!(
            Period::parse(Some("2026-01-05"), Some("2026-06-29"), None),
            Ok(Period::Between(
                Some(d("2026-01-05")),
                Some(d("2026-06-29"))
            ))
        );
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for weeks in ["0", "-1", "1045", "twelve", "12.5", "99999999999"] {
            assert_eq!(
                Period::parse(None, None, Some(weeks)),
                Err(PeriodError::BadWeeks),
                "{weeks}"
            );
        }
        for date in [
            "2026-13-01",
            "2026-02-30",
            "yesterday",
            "2026-1-5",
            "+002026-01-05",
        ] {
            assert!(
                matches!(
                    Period::parse(Some(date), None, None),
                    Err(PeriodError::BadDate(_))
                ),
                "{date}"
            );
        }
        assert_eq!(
            Period::parse(Some("2026-06-29"), Some("2026-01-05"), None),
            Err(PeriodError::EndsBeforeStart)
        );
    }

    #[test]
    fn bounds_count_weeks_back_from_the_latest() {
        let latest = Some(d("2026-06-29"));
        assert_eq!(
            Period::Weeks(1).bounds(latest),
            (Some(d("2026-06-29")), Some(d("2026-06-29")))
        );
        assert_eq!(
            Period::Weeks(26).bounds(latest),
            (Some(d("2026-01-05")), Some(d("2026-06-29")))
        );
        assert_eq!(Period::Weeks(26).bounds(None), (None, None));
        assert_eq!(Period::All.bounds(latest), (None, None));
    }

    #[test]
    fn query_strings_read_back_as_the_same_period() {
        for p in [
            Period::Weeks(26),
            Period::Weeks(12),
            Period::All,
            Period::Between(Some(d("2026-01-05")), None),
            Period::Between(None, Some(d("2026-01-05"))),
            Period::Between(Some(d("2025-01-06")), Some(d("2026-01-05"))),
        ] {
            let q = p.query();
            let get = |k: &str| {
                q.trim_start_matches('?')
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            };
            assert_eq!(
                Period::parse(get("from"), get("to"), get("weeks")),
                Ok(p),
                "{q}"
            );
        }
    }
}
