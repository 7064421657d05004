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
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};
use sha2::{Digest, Sha256};
use sitrep_store::Media;
use std::sync::Arc;

use crate::AppState;

/// The largest image accepted.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// The largest width or height accepted.
pub const MAX_SIDE: u64 = 12_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is damaged")]
    Damaged,
}

/// Checks an upload and strips its metadata.
pub fn clean(bytes: &[u8]) -> Result<Media, MediaError> {
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let input = Bytes::copy_from_slice(bytes);
    let (cleaned, content_type, ext): (Bytes, &str, &str) =
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            let mut jpeg = Jpeg::from_bytes(input).map_err(|_| MediaError::Damaged)?;
            jpeg.set_exif(None);
            // APP1 (EXIF, XMP), APP3–APP13 (IPTC, maker notes), APP15, comments.
            // Kept: APP0 (JFIF), APP2 (colour profile), APP14 (Adobe colour).
            for marker in (0xE1..=0xED).chain([0xEF, 0xFE]) {
                if marker != 0xE2 {
                    jpeg.remove_segments_by_marker(marker);
                }
            }
            (jpeg.encoder().bytes(), "image/jpeg", "jpg")
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            let mut png = Png::from_bytes(input).map_err(|_| MediaError::Damaged)?;
            png.set_exif(None);
            for chunk in [*b"tEXt", *b"zTXt", *b"iTXt", *b"tIME", *b"eXIf"] {
                png.remove_chunks_by_type(chunk);
            }
            (png.encoder().bytes(), "image/png", "png")
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            let mut webp = WebP::from_bytes(input).map_err(|_| MediaError::Damaged)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"EXIF");
            webp.remove_chunks_by_id(*b"XMP ");
            (webp.encoder().bytes(), "image/webp", "webp")
        } else {
            return Err(MediaError::NotAnImage);
        };
    let size = imagesize::blob_size(&cleaned).map_err(|_| MediaError::Damaged)?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(MediaError::Damaged);
    }
    let hash: String = Sha256::digest(&cleaned)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Media {
        hash: format!("{hash}.{ext}"),
        content_type: content_type.to_owned(),
        width: w as i64,
        height: h as i64,
        bytes: cleaned.to_vec(),
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
        Err(e) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE.into_response(),
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
