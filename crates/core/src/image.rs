//! Images from outside: what an upload or an imported file must be, and
//! what is removed from it before it is stored.
//!
//! An image is accepted only if its bytes are a JPEG, PNG or WebP image
//! (whatever name or type it came with) of at most [`MAX_BYTES`]. Metadata
//! that can identify a person or a place (EXIF, with its GPS position and
//! camera serial numbers; XMP; IPTC; comments; text chunks) is removed. The
//! cleaned bytes are named by their SHA-256 and extension.

use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};
use sha2::{Digest, Sha256};

/// An image ready to store: `hash` is the cleaned bytes' SHA-256 and extension.
#[derive(Debug, Clone)]
pub struct CleanImage {
    pub hash: String,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    pub bytes: Vec<u8>,
}

/// The largest image accepted.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// The largest width or height accepted.
pub const MAX_SIDE: u64 = 12_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is damaged")]
    Damaged,
}

/// Checks an upload and strips its metadata.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, ImageError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImageError::TooLarge);
    }
    let input = Bytes::copy_from_slice(bytes);
    let (cleaned, content_type, ext): (Bytes, &str, &str) =
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            let mut jpeg = Jpeg::from_bytes(input).map_err(|_| ImageError::Damaged)?;
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
            let mut png = Png::from_bytes(input).map_err(|_| ImageError::Damaged)?;
            png.set_exif(None);
            for chunk in [*b"tEXt", *b"zTXt", *b"iTXt", *b"tIME", *b"eXIf"] {
                png.remove_chunks_by_type(chunk);
            }
            (png.encoder().bytes(), "image/png", "png")
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            let mut webp = WebP::from_bytes(input).map_err(|_| ImageError::Damaged)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"EXIF");
            webp.remove_chunks_by_id(*b"XMP ");
            (webp.encoder().bytes(), "image/webp", "webp")
        } else {
            return Err(ImageError::NotAnImage);
        };
    let size = imagesize::blob_size(&cleaned).map_err(|_| ImageError::Damaged)?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(ImageError::Damaged);
    }
    let hash: String = Sha256::digest(&cleaned)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(CleanImage {
        hash: format!("{hash}.{ext}"),
        content_type: content_type.to_owned(),
        width: w as i64,
        height: h as i64,
        bytes: cleaned.to_vec(),
    })
}
