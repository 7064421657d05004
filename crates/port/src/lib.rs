//! Moving a site in and out: sitrep's own export format (written and read
//! back whole), and imports from other platforms.
//!
//! Invariant: an import never half-happens (each runs in one transaction
//! or skips what it cannot take, saying why), and running it again changes
//! nothing.

pub mod bundle;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod ghost;
pub mod markdown;
mod php;
pub mod wordpress;

use std::path::PathBuf;

/// Why an export or import could not be done.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("{0} is not empty; export into a new folder")]
    NotEmpty(PathBuf),
    #[error(
        "the site already holds content that did not come from this export; import into a new, empty site"
    )]
    SiteNotEmpty,
    #[error("{0}")]
    Bad(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Store(sitrep_store::StoreError),
}

/// Whether `path`, once its links are followed, lies outside `root` (a
/// folder an import was given): a link inside the folder may point
/// anywhere on the disk. A path that does not exist leads nowhere.
pub(crate) fn leads_out(root: &std::path::Path, path: &std::path::Path) -> bool {
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => !real.starts_with(root),
        _ => false,
    }
}
