//! The README's demos: the example repositories report what the README shows.

mod common;

use std::path::Path;

fn codes(example: &str) -> Vec<(String, u64)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, stdout, _) = common::hoplint(root, &["check", example, "--format", "json"]);
    common::codes_and_lines(&common::json(&stdout))
}

#[test]
fn the_incidents_are_found() {
    assert_eq!(codes("examples/nginx-tomcat"), [("KA001".into(), 11), ("KA002".into(), 11)]);
    assert_eq!(codes("examples/ingress-gunicorn"), [("KA001".into(), 7)]);
    let shop: Vec<String> = codes("examples/shop").into_iter().map(|(c, _)| c).collect();
    assert_eq!(shop, ["NG006", "NG006", "NG002", "NG003", "NG005"]);
}

/// A monorepo holding the examples side by side, checked from its top, finds
/// what each example finds alone: inline links written relative to a
/// subproject still resolve, and each Ingress links to its own controller
/// and its own Service — not to the same-named objects of a sibling.
#[test]
fn a_monorepo_of_examples_links_each_subproject_to_itself() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let top = tempfile::tempdir().expect("tempdir");
    let tomcat = common::copy_into(&examples.join("nginx-tomcat"), top.path());
    let broken = common::copy_into(&examples.join("ingress-gunicorn"), top.path());
    let fixed = top.path().join("ingress-gunicorn-fixed");
    std::fs::rename(common::copy_into(&examples.join("ingress-gunicorn"), &top.path().join("tmp")), &fixed)
        .expect("rename");
    let app = fixed.join("k8s/shop.yaml");
    let text = std::fs::read_to_string(&app).expect("readable");
    std::fs::write(&app, text.replace(r#""--keep-alive", "2""#, r#""--keep-alive", "75""#)).expect("writable");

    let (_, stdout, _) = common::hoplint(top.path(), &["check", ".", "--format", "json"]);
    let report = common::json(&stdout);
    let mut found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["code"].as_str().unwrap_or_default().to_owned(), d["file"].as_str().unwrap_or_default().to_owned()))
        .collect();
    found.sort();
    let name =
        |dir: &Path, file: &str| format!("{}/{file}", dir.file_name().and_then(|n| n.to_str()).unwrap_or_default());
    assert_eq!(
        found,
        [
            ("KA001".to_owned(), name(&broken, "k8s/ingress-nginx.yaml")),
            ("KA001".to_owned(), name(&tomcat, "nginx/nginx.conf")),
            ("KA002".to_owned(), name(&tomcat, "nginx/nginx.conf")),
        ]
    );
}
