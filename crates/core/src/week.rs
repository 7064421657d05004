use jiff::civil::Date;

/// The span of days an edition covers, usually a week (Monday to Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditionWeek {
    start: Date,
    end: Date,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeekError {
    #[error("{0:?} is not a date in the form YYYY-MM-DD")]
    BadDate(String),
    #[error("an edition cannot end before it starts")]
    EndsBeforeStart,
    #[error("an edition covers at most 31 days")]
    TooLong,
}

impl EditionWeek {
    pub fn new(start: Date, end: Date) -> Result<EditionWeek, WeekError> {
        if end < start {
            return Err(WeekError::EndsBeforeStart);
        }
        if (end - start).get_days() > 30 {
            return Err(WeekError::TooLong);
        }
        Ok(EditionWeek { start, end })
    }

    /// Parses two ISO dates, as the store keeps them.
    pub fn parse(start: &str, end: &str) -> Result<EditionWeek, WeekError> {
        let p = |s: &str| {
            s.parse::<Date>()
                .map_err(|_| WeekError::BadDate(s.chars().take(32).collect()))
        };
        EditionWeek::new(p(start)?, p(end)?)
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Date {
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_rules() {
        assert!(EditionWeek::parse("2017-07-03", "2017-07-09").is_ok());
        assert_eq!(
            EditionWeek::parse("2017-07-09", "2017-07-03"),
            Err(WeekError::EndsBeforeStart)
        );
        assert_eq!(
            EditionWeek::parse("2017-07-01", "2017-09-01"),
            Err(WeekError::TooLong)
        );
        assert!(matches!(
            EditionWeek::parse("2017-02-30", "2017-03-01"),
            Err(WeekError::BadDate(_))
        ));
    }
}
