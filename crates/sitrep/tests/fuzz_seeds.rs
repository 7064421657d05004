//! The fuzzers' seed inputs (`fuzz/seeds/<target>/`) through the same
//! harnesses `cargo fuzz` runs, so the ordinary test suite keeps every
//! input that once found a bug, without libFuzzer.

use std::path::Path;

/// A harness: takes any bytes, panics only on a bug.
type Harness = fn(&[u8]);

/// Each fuzz target (as named in `fuzz/Cargo.toml`) and its harness.
const TARGETS: &[(&str, Harness)] = &[
    ("markdown_html", sitrep_render::fuzzing::markdown),
    ("forms", sitrep_web::workspace::fuzzing::forms),
    ("import_markdown", sitrep_port::fuzzing::markdown),
    ("import_wordpress", sitrep_port::fuzzing::wordpress),
    ("import_ghost", sitrep_port::fuzzing::ghost),
    ("import_manifest", sitrep_port::fuzzing::manifest),
    ("mail_report", sitrep_mail::fuzzing::report),
];

#[test]
fn every_seed_passes_its_harness() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let mut folders: Vec<String> = std::fs::read_dir(&seeds)
        .expect("fuzz/seeds")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(folders, names, "one seed folder per fuzz target");
    for (name, harness) in TARGETS {
        let mut files: Vec<_> = std::fs::read_dir(seeds.join(name))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has no seeds");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            // A panic names the seed that caused it.
            eprintln!("{name}: {}", file.display());
            harness(&data);
        }
    }
}

/// Every target is built by `cargo fuzz` and run by CI.
#[test]
fn every_target_is_declared() {
    let manifest = include_str!("../../../fuzz/Cargo.toml");
    for (name, _) in TARGETS {
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "{name} is not in fuzz/Cargo.toml"
        );
    }
}
