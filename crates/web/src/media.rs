//! Images: what an upload must be, what is removed from it, and how it is
//! served.
//!
//! An upload is accepted only if its bytes are a JPEG, PNG or WebP image
//! (whatever name or type the browser gave it) of at most [`MAX_BYTES`].
//! Metadata that can identify a person or a place (EXIF, with its GPS
//! position and camera serial numbers; XMP; IPTC; comments; text chunks)
//! is removed before the image is stored. The stored bytes are named by
//! their SHA-256, so the address never changes and can be cached for a year.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sitrep_store::Media;
use std::sync::Arc;

use crate::AppState;

pub use sitrep_core::image::{ImageError as MediaError, MAX_BYTES, MAX_SIDE};

/// Checks an upload and strips its metadata (see [`sitrep_core::image`]).
pub fn clean(bytes: &[u8]) -> Result<Media, MediaError> {
    let c = sitrep_core::image::clean(bytes)?;
    Ok(Media {
        hash: c.hash,
        content_type: c.content_type,
        width: c.width,
        height: c.height,
        bytes: c.bytes,
    })
}

/// `GET /media/{hash}.{ext}`: an image, cacheable for a year.
pub async fn serve(State(app): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    let plausible = name.len() <= 80
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b.is_ascii_lowercase());
    if !plausible {
        return StatusCode::NOT_FOUND.into_response();
    }
    match app.store.media(&name).await {
        Ok(Some(m)) => {
            let mut res = m.bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&m.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) if e.is_unavailable() => {
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            crate::outage::mark(&mut response, e.is_unreachable());
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "media failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_images_are_refused() {
        assert_eq!(
            clean(b"<svg onload=alert(1)>").err(),
            Some(MediaError::NotAnImage)
        );
        assert_eq!(clean(b"GIF89a......").err(), Some(MediaError::NotAnImage));
        assert_eq!(
            clean(&[0xFF, 0xD8, 0xFF, 0x00, 0x01]).err(),
            Some(MediaError::Damaged)
        );
        assert_eq!(
            clean(b"\x89PNG\r\n\x1a\nnonsense").err(),
            Some(MediaError::Damaged)
        );
        assert_eq!(
            clean(&vec![0u8; MAX_BYTES + 1]).err(),
            Some(MediaError::TooLarge)
        );
        assert_eq!(clean(b"").err(), Some(MediaError::NotAnImage));
    }
}
