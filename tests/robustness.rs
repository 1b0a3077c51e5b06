//! No input crashes hoplint: every fixture of every format, cut and damaged in
//! many deterministic ways (truncation, stray braces, quotes, semicolons,
//! deleted bytes), goes through the whole pipeline — parse, model, rules,
//! hops — without a panic.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use hoplint::check::{CheckOptions, ConfigChoice};

/// A small deterministic generator (64-bit LCG): reproducible damage.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (bound.max(1) as u64)).unwrap_or(0)
    }
}

const INSERTS: &[&[u8]] =
    &[b"{", b"}", b";", b"\"", b"'", b"\n", b"#", b"${", b"\\", b"- ", b": ", b"<", b"&a ", b"*a", b"\x00", b"\xff"];

fn damaged(original: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..=rng.next(3) {
        let at = rng.next(bytes.len() + 1);
        match rng.next(4) {
            0 => bytes.truncate(at),
            1 => {
                if at < bytes.len() {
                    bytes.remove(at);
                }
            }
            _ => {
                let insert = INSERTS[rng.next(INSERTS.len())];
                bytes.splice(at..at, insert.iter().copied());
            }
        }
    }
    bytes
}

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.metadata().is_ok_and(|m| m.len() < 64 * 1024) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn damaged_inputs_never_panic() {
    let files = fixture_files();
    assert!(files.len() > 100, "found {} fixtures", files.len());
    let checked = common::within(Duration::from_mins(5), "damaged inputs", move || {
        let mut rng = Lcg(0x5eed);
        let mut runs = 0;
        for path in &files {
            let original = std::fs::read(path).expect("readable");
            let name = path.file_name().expect("file name").to_owned();
            for _ in 0..4 {
                let dir = tempfile::tempdir().expect("tempdir");
                let copy = dir.path().join(&name);
                std::fs::write(&copy, damaged(&original, &mut rng)).expect("write");
                let options = CheckOptions { paths: vec![copy], config: ConfigChoice::None, ..CheckOptions::default() };
                let (loaded, _) = hoplint::load::load(&options);
                if let Some((project, _)) = loaded {
                    let _ = hoplint::model::hops::collect(&project);
                }
                let report = hoplint::check(&options);
                let _ = hoplint::report::json::render(&report);
                let _ = hoplint::report::text::render(&report, false);
                runs += 1;
            }
        }
        runs
    });
    println!("{checked} damaged inputs checked");
}
