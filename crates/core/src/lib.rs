//! The nouns of sitrep and the rules they obey.
//!
//! Architecture invariant: this crate does no I/O and knows nothing of HTTP,
//! SQL or templates. Every value that crosses a trust boundary (a URL
//! segment, a form field, a config entry) becomes one of these types through
//! a `parse` function, so code that holds a `Lang` or a `Slug` knows it is
//! valid ("parse, don't validate").

pub mod forecast;
pub mod image;
mod lang;
mod paging;
mod period;
mod role;
mod slug;
mod week;

pub use lang::{Lang, LangError};
pub use paging::{PageError, PageNumber, Paging};
pub use period::{Period, PeriodError};
pub use role::{Action, Role};
pub use slug::{Slug, SlugError};
pub use week::{EditionWeek, WeekError};

/// Seconds since the Unix epoch, UTC. Stored as a 64-bit integer so that the
/// same column works on SQLite and PostgreSQL.
pub type Timestamp = i64;

/// A moment written by a person or another program: RFC 3339
/// (`2025-01-31T12:00:00Z`), or a date and time (`2025-01-31 12:00:00`,
/// `T` or a space) or a date alone (midnight), both read as UTC.
pub fn parse_moment(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t.as_second());
    }
    let civil = text.parse::<jiff::civil::DateTime>().ok().or_else(|| {
        text.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })?;
    jiff::tz::TimeZone::UTC
        .to_timestamp(civil)
        .ok()
        .map(|t| t.as_second())
}

/// Where a language version or page stands in the editorial workflow.
/// Only `Published` is ever public, and only once its publication time has
/// come (a published version with a future time is "scheduled").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written or translated.
    Draft,
    /// Submitted for an editor's review.
    Review,
    /// Approved by an editor, not yet released.
    Approved,
    /// Released: public from its publication time on.
    Published,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Review,
        Status::Approved,
        Status::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}
