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
}

impl PageError {
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadPageNumber(_) | PageError::BadRequest(_) | PageError::BadPeriod(_) => {
                StatusCode::BAD_REQUEST
            }
            PageError::Store(e) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            PageError::SearchUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Store(_) | PageError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
