//! The committed knowledge tables match `../shared/data` (regenerate with
//! `scripts/gen_knowledge.py`).

mod common;

#[test]
fn generated_tables_match_the_shared_data() {
    let Some(shared) = common::shared_dir() else { return common::skip_or_fail("../shared/data") };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_knowledge.py");
    let run = std::process::Command::new("python3").arg(&script).arg(shared.join("data")).arg("--check").output();
    let Ok(output) = run else { return common::skip_or_fail("python3") };
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
