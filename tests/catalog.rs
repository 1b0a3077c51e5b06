//! The rule docs: every registered rule has `rules/<CODE>.md` with the
//! catalog's headings, its title matches the metadata, and its Example
//! fires while its "Use instead" does not.

mod common;

/// The fenced blocks between `from` and `to` (or the next `## ` heading):
/// `(language, body)`.
fn blocks<'a>(doc: &'a str, from: &str, to: &str) -> Vec<(&'a str, &'a str)> {
    let Some(start) = doc.find(from) else { return Vec::new() };
    let mut rest = &doc[start + from.len()..];
    if let Some(end) = rest.find(to).or_else(|| rest.find("\n## ")) {
        rest = &rest[..end];
    }
    let mut out = Vec::new();
    while let Some(open) = rest.find("```") {
        let fence = &rest[open + 3..];
        let Some(lang_end) = fence.find('\n') else { break };
        let body = &fence[lang_end + 1..];
        let Some(close) = body.find("```") else { break };
        out.push((fence[..lang_end].trim(), &body[..close]));
        rest = &body[close + 3..];
    }
    out
}

/// The file a block stands for: named by its first line (`# path/x.conf`,
/// `<!-- path/server.xml -->`), else `example.<ext>` for its language.
fn block_file(lang: &str, body: &str) -> Option<String> {
    let first = body.lines().next().unwrap_or_default();
    let named = first
        .strip_prefix("# ")
        .or_else(|| first.strip_prefix("<!-- "))
        .and_then(|r| r.split_whitespace().next())
        .filter(|p| (p.contains('.') || p.ends_with("Dockerfile")) && !p.contains(':'));
    if let Some(path) = named {
        return Some(path.to_owned());
    }
    match lang {
        "nginx" => Some("example.conf".to_owned()),
        "yaml" => Some("example.yaml".to_owned()),
        _ => None,
    }
}

#[test]
fn docs_have_the_catalog_shape() {
    let headings =
        ["## What it does", "## Why is this bad?", "## Example", "## Fix safety", "## Options", "## References"];
    for rule in hoplint::rules::all() {
        let title = format!("# {} ({})\n", rule.name, rule.code);
        assert!(rule.doc.starts_with(&title), "{}: doc must start with {title:?}", rule.code);
        let mut last = 0;
        for heading in headings {
            let at = rule.doc.find(heading).unwrap_or_else(|| panic!("{}: missing {heading}", rule.code));
            assert!(at > last, "{}: {heading} out of order", rule.code);
            last = at;
        }
        assert!(rule.doc.contains("Use instead:"), "{}", rule.code);
        assert!(
            rule.summary().ends_with('.') && rule.summary().len() > 20,
            "{}: summary {:?}",
            rule.code,
            rule.summary()
        );
    }
}

/// Each doc's Example (every block, written to the file its first line
/// names) fires its rule; the same tree with the "Use instead" blocks
/// written over it does not.
#[test]
fn examples_fire_and_fixed_examples_do_not() {
    let mut checked = 0;
    for rule in hoplint::rules::all() {
        let bad = blocks(rule.doc, "## Example", "Use instead:");
        let good = blocks(rule.doc, "Use instead:", "## Fix safety");
        assert!(!bad.is_empty() && !good.is_empty(), "{}: Example and Use instead blocks", rule.code);
        if bad.iter().chain(&good).any(|(lang, body)| block_file(lang, body).is_none()) {
            continue; // prose-only examples (HL005)
        }
        let dir = tempfile::tempdir().unwrap();
        for (round, blocks, must_fire) in [(0, &bad, true), (1, &good, false)] {
            for (lang, body) in blocks {
                let path = dir.path().join(block_file(lang, body).unwrap());
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, body).unwrap();
            }
            let (_, stdout, _) = common::hoplint(dir.path(), &["check", ".", "--no-config", "--format", "json"]);
            let fired = common::codes_and_lines(&common::json(&stdout)).iter().any(|(c, _)| c == rule.code);
            let shown: Vec<&str> = blocks.iter().map(|(_, b)| *b).collect();
            assert_eq!(
                fired,
                must_fire,
                "{} ({}): example {}:\n{}\n{stdout}",
                rule.code,
                if round == 0 { "Example" } else { "Use instead" },
                if must_fire { "must fire" } else { "must not fire" },
                shown.join("\n")
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} rules have checkable examples");
}
