//! The nouns of sitrep and the rules they obey.
//!
//! Architecture invariant: this crate does no I/O and knows nothing of HTTP,
//! SQL or templates. Every value that crosses a trust boundary (a URL
//! segment, a form field, a config entry) becomes one of these types through
//! a `parse` function, so code that holds a `Lang` or a `Slug` knows it is
//! valid ("parse, don't validate").

mod lang;
mod paging;
mod slug;
mod week;

pub use lang::{Lang, LangError};
pub use paging::{PageError, PageNumber, Paging};
pub use slug::{Slug, SlugError};
pub use week::{EditionWeek, WeekError};

/// Seconds since the Unix epoch, UTC. Stored as a 64-bit integer so that the
/// same column works on SQLite and PostgreSQL.
pub type Timestamp = i64;

/// The publication state of a language version or page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Work in progress; never public.
    Draft,
    /// Public once its publication time has come.
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            _ => None,
        }
    }
}
