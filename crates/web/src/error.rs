use axum::http::StatusCode;
use sitrep_core::PageError as PageNumberError;

/// Why a page cannot be shown; rendered as a localized error page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    #[error("bad page number: {0}")]
    BadPageNumber(#[from] PageNumberError),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("bad period: {0}")]
    BadPeriod(#[from] sitrep_core::PeriodError),
    #[error(transparent)]
    Store(#[from] sitrep_store::StoreError),
    #[error(transparent)]
    Render(#[from] sitrep_render::RenderError),
    #[error("the search index cannot answer")]
    SearchUnavailable,
    /// Refused without trying: the database was just found unreachable.
    #[error("the database is away")]
    DatabaseAway,
}

impl PageError {
    /// Whether the database could not be reached, so a page should not
    /// try it again to render the error.
    pub fn is_database_away(&self) -> bool {
        match self {
            PageError::DatabaseAway => true,
            PageError::Store(e) => e.is_unreachable(),
            _ => false,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadPageNumber(_) | PageError::BadRequest(_) | PageError::BadPeriod(_) => {
                StatusCode::BAD_REQUEST
            }
            PageError::Store(e) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            PageError::SearchUnavailable | PageError::DatabaseAway => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            PageError::Store(_) | PageError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
