//! Harnesses for `cargo fuzz` (the `fuzz/` folder), kept here so the
//! normal build compiles them and the seed tests can call them.

/// A bounce or complaint report as `sitrep mail ingest` reads it: any
/// bytes are a report or a refusal, never a panic.
pub fn report(data: &[u8]) {
    let _ = crate::report::parse_report(data);
}
