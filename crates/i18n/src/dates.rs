use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{MD, YMD};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;
use jiff::civil;
use sitrep_core::Lang;

use crate::I18nError;

/// Long-form dates, date ranges and decimal numbers in one language, from
/// CLDR data.
///
/// ICU4X formats a single date and a month with its day correctly in every
/// language ("3 ліпеня", "3 июля", "July 3"); its range formatter is not
/// usable at long length in ICU4X 2.4, so ranges are composed here from
/// those pieces, the order of day and month decided by the locale's own
/// month-day pattern.
pub struct DateFormats {
    md: FixedCalendarDateTimeFormatter<Gregorian, MD>,
    md_short: FixedCalendarDateTimeFormatter<Gregorian, MD>,
    ymd: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    decimal: DecimalFormatter,
    day_first: bool,
}

impl DateFormats {
    pub fn new(lang: Lang) -> Result<DateFormats, I18nError> {
        let err = || I18nError::Dates(lang.to_string());
        let locale = Locale::try_from_str(lang.as_str()).map_err(|_| err())?;
        let md = FixedCalendarDateTimeFormatter::try_new((&locale).into(), MD::long())
            .map_err(|_| err())?;
        let md_short = FixedCalendarDateTimeFormatter::try_new((&locale).into(), MD::short())
            .map_err(|_| err())?;
        let ymd = FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long())
            .map_err(|_| err())?;
        let decimal =
            DecimalFormatter::try_new((&locale).into(), Default::default()).map_err(|_| err())?;
        let probe = Date::try_new_gregorian(2000, 1, 15).map_err(|_| err())?;
        let day_first = md.format(&probe).to_string().starts_with("15");
        Ok(DateFormats {
            md,
            md_short,
            ymd,
            decimal,
            day_first,
        })
    }

    /// "3 ліпеня 2017 г.", "3 июля 2017 г.", "July 3, 2017".
    pub fn date(&self, d: civil::Date) -> String {
        match gregorian(d) {
            Some(g) => self.ymd.format(&g).to_string(),
            None => d.to_string(),
        }
    }

    /// A number with exactly `digits` decimals (halves rounded away from
    /// zero): "0.190" in English, "0,190" in Belarusian.
    pub fn number(&self, value: f64, digits: u8) -> String {
        let scale = 10f64.powi(i32::from(digits));
        let mut d = Decimal::from((value * scale).round() as i64);
        d.multiply_pow10(-i16::from(digits));
        d.absolute.pad_end(-i16::from(digits));
        self.decimal.format(&d).to_string()
    }

    /// A day and month in few characters, for chart axes: "03.07", "7/3".
    pub fn day_month(&self, d: civil::Date) -> String {
        match gregorian(d) {
            Some(g) => self.md_short.format(&g).to_string(),
            None => d.to_string(),
        }
    }

    /// "3–9 ліпеня 2017", "3–9 июля 2017", "July 3 – 9, 2017"; across
    /// months "29 чэрвеня – 5 ліпеня 2017" / "June 29 – July 5, 2017"; across
    /// years each end carries its year.
    pub fn range(&self, start: civil::Date, end: civil::Date) -> String {
        if start == end {
            return self.date(start);
        }
        let (Some(a), Some(b)) = (gregorian(start), gregorian(end)) else {
            return format!("{start} – {end}");
        };
        let md_a = self.md.format(&a).to_string();
        let md_b = self.md.format(&b).to_string();
        let (ya, yb) = (start.year(), end.year());
        let same_month = ya == yb && start.month() == end.month();
        match (self.day_first, same_month, ya == yb) {
            (true, true, _) => format!("{}–{md_b} {yb}", start.day()),
            (true, false, true) => format!("{md_a} – {md_b} {yb}"),
            (true, false, false) => format!("{md_a} {ya} – {md_b} {yb}"),
            (false, true, _) => format!("{md_a} – {}, {yb}", end.day()),
            (false, false, true) => format!("{md_a} – {md_b}, {yb}"),
            (false, false, false) => format!("{md_a}, {ya} – {md_b}, {yb}"),
        }
    }
}

fn gregorian(d: civil::Date) -> Option<Date<Gregorian>> {
    Date::try_new_gregorian(i32::from(d.year()), d.month() as u8, d.day() as u8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(lang: &str) -> DateFormats {
        DateFormats::new(Lang::parse(lang).unwrap()).unwrap()
    }

    fn d(s: &str) -> civil::Date {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_in_three_languages() {
        assert_eq!(fmt("en").number(0.19, 3), "0.190");
        assert_eq!(fmt("ru").number(0.19, 3), "0,190");
        assert_eq!(fmt("be").number(0.0625, 3), "0,063");
        assert_eq!(fmt("en").number(1234.5, 1), "1,234.5");
    }

    #[test]
    fn short_days_for_chart_axes() {
        let day = d("2017-07-03");
        assert_eq!(fmt("be").day_month(day), "3.07");
        assert_eq!(fmt("ru").day_month(day), "03.07");
        assert_eq!(fmt("en").day_month(day), "7/3");
    }

    #[test]
    fn week_ranges_in_three_languages() {
        let cases = [
            ("be", "2017-07-03", "2017-07-09", "3–9 ліпеня 2017"),
            ("ru", "2017-07-03", "2017-07-09", "3–9 июля 2017"),
            ("en", "2017-07-03", "2017-07-09", "July 3 – 9, 2017"),
            (
                "be",
                "2017-06-26",
                "2017-07-02",
                "26 чэрвеня – 2 ліпеня 2017",
            ),
            ("ru", "2017-06-26", "2017-07-02", "26 июня – 2 июля 2017"),
            ("en", "2017-06-26", "2017-07-02", "June 26 – July 2, 2017"),
            (
                "be",
                "2018-12-31",
                "2019-01-06",
                "31 снежня 2018 – 6 студзеня 2019",
            ),
            (
                "ru",
                "2018-12-31",
                "2019-01-06",
                "31 декабря 2018 – 6 января 2019",
            ),
            (
                "en",
                "2018-12-31",
                "2019-01-06",
                "December 31, 2018 – January 6, 2019",
            ),
            ("ru", "2017-03-01", "2017-03-05", "1–5 марта 2017"),
            ("be", "2017-03-01", "2017-03-05", "1–5 сакавіка 2017"),
            ("be", "2017-10-02", "2017-10-08", "2–8 кастрычніка 2017"),
        ];
        for (lang, a, b, want) in cases {
            let got = fmt(lang).range(d(a), d(b));
            assert!(
                !got.contains("M0") && !got.contains("M1"),
                "raw month code in {got:?}"
            );
            assert_eq!(got, want, "{lang} {a}..{b}");
        }
    }

    #[test]
    fn single_dates_in_three_languages() {
        assert_eq!(fmt("be").date(d("2017-07-03")), "3 ліпеня 2017\u{202f}г.");
        assert_eq!(fmt("ru").date(d("2017-07-03")), "3 июля 2017\u{202f}г.");
        assert_eq!(fmt("en").date(d("2017-07-03")), "July 3, 2017");
    }
}
