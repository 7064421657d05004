//! Moving a site in and out: sitrep's own export format (written and read
//! back whole), and imports from other platforms.
//!
//! Invariant: an import never half-happens (each runs in one transaction
//! or skips what it cannot take, saying why), and running it again changes
//! nothing.

pub mod bundle;
pub mod export;
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
