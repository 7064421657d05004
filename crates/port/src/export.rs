//! sitrep's own export format: a folder another sitrep reads back whole.
//!
//! ```text
//! DIR/manifest.json          what the folder holds (see docs/export.md)
//! DIR/tables/NAME.jsonl      one JSON array per row, columns as listed
//! DIR/media/SHA256           the bytes of each image, named by their hash
//! ```
//!
//! Every table of content and configuration is written: editions,
//! commentaries with every language version and their revisions, trends,
//! scales, authors, pages, forecasts, requests, subscribers with their
//! consent records and the letters sent, settings, media, webhooks and staff
//! (without passwords or second-factor secrets). Left out: the outbox, the
//! audit log, sessions and API tokens.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sitrep_store::{Cell, Store, StoreError, export_shapes, schema_version};

use crate::PortError;

/// What `manifest.json` says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Always "sitrep-export".
    pub format: String,
    /// Of this folder layout; 1.
    pub version: u32,
    /// The database schema the rows follow.
    pub schema: i64,
    /// Names this export, so importing it twice is noticed.
    pub export_id: String,
    pub exported_at: String,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    /// Relative to the folder.
    pub file: String,
    pub rows: u64,
    pub columns: Vec<Column>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// int, int?, text, text? or blob (a `{"file": "media/…"}` object).
    #[serde(rename = "type")]
    pub kind: String,
}

const FORMAT: &str = "sitrep-export";
const VERSION: u32 = 1;
/// The setting that remembers which export a site was made from.
pub const IMPORTED_SETTING: &str = "imported_export";

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Exported {
    pub rows: u64,
    pub media_files: u64,
}

/// Writes the whole site into `dir`, which must not exist or be empty.
/// `progress` hears each table's name and rows done so far.
pub async fn export(
    store: &Store,
    dir: &Path,
    now: jiff::Timestamp,
    mut progress: impl FnMut(&str, u64),
) -> Result<Exported, PortError> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(PortError::NotEmpty(dir.to_owned()));
    }
    // Subscribers' addresses and the site's secrets: for the owner's eyes.
    private_dir(dir)?;
    private_dir(&dir.join("tables"))?;
    private_dir(&dir.join("media"))?;
    let mut out = Exported::default();
    let mut media: HashSet<String> = HashSet::new();
    let mut tables = Vec::new();
    let mut snapshot = store.snapshot().await?;
    for shape in export_shapes() {
        let rows = snapshot.rows(shape.name).await?;
        let file = format!("tables/{}.jsonl", shape.name);
        let mut w = BufWriter::new(fs::File::create(dir.join(&file))?);
        for row in &rows {
            let mut cells = Vec::with_capacity(row.len());
            for cell in row {
                cells.push(match cell {
                    Cell::Null => Value::Null,
                    Cell::Int(n) => Value::from(*n),
                    Cell::Text(s) => Value::from(s.as_str()),
                    Cell::Blob(bytes) => {
                        let hash: String = Sha256::digest(bytes)
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect();
                        let name = format!("media/{hash}");
                        if media.insert(hash) {
                            fs::write(dir.join(&name), bytes)?;
                            out.media_files += 1;
                        }
                        serde_json::json!({ "file": name })
                    }
                });
            }
            serde_json::to_writer(&mut w, &cells)?;
            w.write_all(b"\n")?;
            out.rows += 1;
            progress(shape.name, out.rows);
        }
        w.flush()?;
        tables.push(TableEntry {
            name: shape.name.to_owned(),
            file,
            rows: rows.len() as u64,
            columns: shape
                .columns
                .iter()
                .map(|(n, k)| Column {
                    name: (*n).to_owned(),
                    kind: (*k).to_owned(),
                })
                .collect(),
        });
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        version: VERSION,
        schema: schema_version(),
        export_id: sitrep_auth::new_token()[..32].to_owned(),
        exported_at: now.to_string(),
        tables,
    };
    // Written last: a folder without it is an export that did not finish.
    let mut f = BufWriter::new(fs::File::create(dir.join("manifest.json"))?);
    serde_json::to_writer_pretty(&mut f, &manifest)?;
    f.write_all(b"\n")?;
    f.flush()?;
    Ok(out)
}

/// What an import of a sitrep export did.
#[derive(Debug, PartialEq, Eq)]
pub enum Imported {
    Rows(u64),
    /// The site was made from this very export: nothing to do.
    Already,
}

/// Reads an export folder back into an empty site (all of it, in one
/// transaction). Run twice, the second run changes nothing.
pub async fn import(
    store: &Store,
    dir: &Path,
    progress: impl FnMut(&str, u64, u64),
) -> Result<Imported, PortError> {
    let manifest = read_manifest(dir)?;
    if store.count_rows().await? > 0 {
        return match store.setting(IMPORTED_SETTING).await? {
            Some(id) if id == manifest.export_id => Ok(Imported::Already),
            _ => Err(PortError::SiteNotEmpty),
        };
    }
    let mut tables = Vec::new();
    for shape in export_shapes() {
        let Some(entry) = manifest.tables.iter().find(|t| t.name == shape.name) else {
            return Err(PortError::Bad(format!(
                "the export has no table {}",
                shape.name
            )));
        };
        let expected: Vec<Column> = shape
            .columns
            .iter()
            .map(|(n, k)| Column {
                name: (*n).to_owned(),
                kind: (*k).to_owned(),
            })
            .collect();
        if entry.columns != expected {
            return Err(PortError::Bad(format!(
                "the columns of {} differ from this version's",
                shape.name
            )));
        }
        let mut rows = read_rows(dir, entry)?;
        if shape.name == "settings" {
            // Remembered in the same transaction as the rows themselves.
            rows.retain(|r| r.first() != Some(&Cell::Text(IMPORTED_SETTING.to_owned())));
            rows.push(vec![
                Cell::Text(IMPORTED_SETTING.to_owned()),
                Cell::Text(manifest.export_id.clone()),
            ]);
        }
        tables.push((shape.name.to_owned(), rows));
    }
    let mut progress = progress;
    let n = store
        .import_rows(tables, |p| progress(p.table, p.done, p.total))
        .await?;
    // The marker row is the import's own, not the export's.
    Ok(Imported::Rows(n - 1))
}

fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Reads and checks `manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, PortError> {
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(|e| {
        PortError::Bad(format!(
            "{} cannot be read ({e}); is this a sitrep export folder?",
            path.display()
        ))
    })?;
    parse_manifest(&text)
}

/// Reads and checks the text of `manifest.json`.
pub fn parse_manifest(text: &str) -> Result<Manifest, PortError> {
    let manifest: Manifest = serde_json::from_str(text)
        .map_err(|e| PortError::Bad(format!("manifest.json is not an export's manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(PortError::Bad(format!(
            "manifest.json describes \"{}\", not a sitrep export",
            manifest.format
        )));
    }
    if manifest.version != VERSION || manifest.schema > schema_version() {
        return Err(PortError::Bad(format!(
            "this export (layout {}, schema {}) was made by a newer sitrep; this one reads layout {VERSION} up to schema {}",
            manifest.version,
            manifest.schema,
            schema_version()
        )));
    }
    if manifest.schema < schema_version() {
        return Err(PortError::Bad(format!(
            "this export follows schema {}, older than this sitrep's {}: import it with the sitrep that made it, then copy or upgrade that site",
            manifest.schema,
            schema_version()
        )));
    }
    Ok(manifest)
}

fn read_rows(dir: &Path, entry: &TableEntry) -> Result<Vec<Vec<Cell>>, PortError> {
    let file = inside(dir, &entry.file)?;
    let reader = std::io::BufReader::new(fs::File::open(&file)?);
    let mut rows = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| PortError::Bad(format!("{} line {}: {why}", entry.file, n + 1));
        let cells: Vec<Value> = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        if cells.len() != entry.columns.len() {
            return Err(bad(format!(
                "{} values for {} columns",
                cells.len(),
                entry.columns.len()
            )));
        }
        let mut row = Vec::with_capacity(cells.len());
        for (cell, column) in cells.into_iter().zip(&entry.columns) {
            row.push(match (column.kind.as_str(), cell) {
                (_, Value::Null) => Cell::Null,
                (_, Value::Number(n)) => Cell::Int(
                    n.as_i64()
                        .ok_or_else(|| bad(format!("{n} is not a whole number")))?,
                ),
                (_, Value::String(s)) => Cell::Text(s),
                ("blob", Value::Object(o)) => {
                    let name = o
                        .get("file")
                        .and_then(Value::as_str)
                        .ok_or_else(|| bad("a blob must name its file".into()))?;
                    Cell::Blob(fs::read(inside(dir, name)?)?)
                }
                (_, other) => return Err(bad(format!("unexpected value {other}"))),
            });
        }
        rows.push(row);
    }
    if rows.len() as u64 != entry.rows {
        return Err(PortError::Bad(format!(
            "{} has {} rows; the manifest says {}",
            entry.file,
            rows.len(),
            entry.rows
        )));
    }
    Ok(rows)
}

/// A path named in an export, which must stay inside its folder.
fn inside(dir: &Path, relative: &str) -> Result<PathBuf, PortError> {
    let rel = Path::new(relative);
    let plain = rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let path = dir.join(rel);
    if !plain || relative.is_empty() || crate::leads_out(dir, &path) {
        return Err(PortError::Bad(format!(
            "\"{relative}\" points outside the export folder"
        )));
    }
    Ok(path)
}

impl From<StoreError> for PortError {
    fn from(e: StoreError) -> PortError {
        PortError::Store(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_file_named_in_an_export_must_stay_inside_its_folder() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"not for the importer").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plain"), b"an image").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("linked"))
            .unwrap();
        assert!(inside(dir.path(), "plain").is_ok());
        for bad in ["linked", "../secret", "/etc/passwd", ""] {
            assert!(inside(dir.path(), bad).is_err(), "{bad}");
        }
    }
}
