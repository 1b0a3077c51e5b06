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
    assert_eq!(codes("examples/ingress-gunicorn"), [("KA001".into(), 5)]);
    let shop: Vec<String> = codes("examples/shop").into_iter().map(|(c, _)| c).collect();
    assert_eq!(shop, ["NG006", "NG006", "NG002", "NG003", "NG005"]);
}
