//! Uploaded images, stored by content hash.

use sitrep_core::Timestamp;

use crate::{Result, Store, Writer};

/// An image as stored.
#[derive(Debug, Clone)]
pub struct Media {
    pub hash: String,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    pub bytes: Vec<u8>,
}

impl Store {
    /// The image with this content hash.
    pub async fn media(&self, hash: &str) -> Result<Option<Media>> {
        let row = sqlx::query_as::<_, (String, String, i64, i64, Vec<u8>)>(
            "SELECT hash, content_type, width, height, bytes FROM media WHERE hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(hash, content_type, width, height, bytes)| Media {
            hash,
            content_type,
            width,
            height,
            bytes,
        }))
    }
}

impl Writer {
    /// Stores an image unless the same bytes are stored already.
    pub async fn add_media(&mut self, m: &Media, user: Option<i64>, now: Timestamp) -> Result<()> {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE hash = $1")
            .bind(&m.hash)
            .fetch_one(self.conn())
            .await?;
        if exists == 0 {
            sqlx::query(
                "INSERT INTO media (hash, content_type, width, height, bytes, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&m.hash)
            .bind(&m.content_type)
            .bind(m.width)
            .bind(m.height)
            .bind(m.bytes.clone())
            .bind(user)
            .bind(now)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}
