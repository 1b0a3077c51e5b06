//! Every rule's fixtures: `tests/fixtures/rules/<CODE>/fire_*` must produce
//! that code, `ok_*` must not. Each case is a file or a directory (a small
//! tree with its own hoplint.toml). The text output of every case is
//! snapshotted, so messages, both-file snippets and fixes are reviewed.
//! Suppression rules (HL001, HL002) judge the other rules' findings, so
//! their fixtures run with every rule selected.

mod common;

use std::path::{Path, PathBuf};

/// The `--select` for a fixture of `code`.
fn selection(code: &str) -> &str {
    if matches!(code, "HL001" | "HL002") { "ALL" } else { code }
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut out = Vec::new();
    for code_dir in std::fs::read_dir(&root).expect("fixtures/rules exists") {
        let code_dir = code_dir.expect("readable").path();
        let code = code_dir.file_name().unwrap().to_string_lossy().into_owned();
        for case in std::fs::read_dir(&code_dir).expect("readable") {
            out.push((code.clone(), case.expect("readable").path()));
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_fixture_fires_or_stays_quiet_as_named() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 30, "expected the fixture set, found {}", cases.len());
    for (code, path) in &cases {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dir = path.parent().unwrap();
        let (status, stdout, stderr) =
            common::hoplint(dir, &["check", &name, "--format", "json", "--select", selection(code)]);
        let report = common::json(&stdout);
        assert!(report["errors"].as_array().unwrap().is_empty(), "{name}: {stderr}{stdout}");
        let fired = common::codes_and_lines(&report).iter().filter(|(c, _)| c == code).count();
        let expected_fire = name.starts_with("fire_");
        assert!(expected_fire || name.starts_with("ok_"), "fixture {name} must start with fire_ or ok_");
        if expected_fire != (fired > 0) {
            failures.push(format!("{code}/{name}: fired {fired} times (exit {status})\n{stdout}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_fixture_output_is_snapshotted() {
    for (code, path) in cases() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dir = path.parent().unwrap();
        let (status, stdout, _) =
            common::hoplint(dir, &["check", &name, "--select", selection(&code), "--color", "never"]);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(format!("{code}__{name}"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(format!("exit: {status}\n{stdout}")));
    }
}

#[test]
fn fixes_are_offered_where_declared() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let fix_of = |code: &str, case: &str| {
        let (_, stdout, _) = common::hoplint(&dir.join(code), &["check", case, "--format", "json", "--select", code]);
        common::json(&stdout)["diagnostics"][0]["fix"].clone()
    };
    let ng003 = fix_of("NG003", "fire_identical_fixable.conf");
    assert_eq!(ng003["applicability"], "safe");
    assert_eq!(ng003["message"], "Remove the first `keepalive_timeout 58s;`");
    let edit = &ng003["edits"][0];
    let text = std::fs::read_to_string(dir.join("NG003/fire_identical_fixable.conf")).unwrap();
    let offset = |key: &str| usize::try_from(edit[key].as_u64().unwrap()).unwrap();
    let removed = &text[offset("start")..offset("end")];
    assert_eq!(removed, "    keepalive_timeout 58s;\n");
    assert!(fix_of("NG003", "fire_different_values.conf").is_null(), "different values: no fix");
    let ng006 = fix_of("NG006", "fire_doubled_unit.conf");
    assert_eq!(ng006["edits"][0]["content"], "60s");
    assert!(fix_of("NG006", "fire_invalid_values.conf").is_null(), "ambiguous values: no fix");
}
