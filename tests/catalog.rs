//! The rule docs: every registered rule has `rules/<CODE>.md` with the
//! catalog's headings, its title matches the metadata, and its Example
//! fires while its "Use instead" does not.

mod common;

fn block_after<'a>(doc: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let rest = &doc[doc.find(marker)? + marker.len()..];
    let start = rest.find("```")?;
    let fence = &rest[start + 3..];
    let lang_end = fence.find('\n')?;
    let lang = fence[..lang_end].trim();
    let body = &fence[lang_end + 1..];
    Some((lang, &body[..body.find("```")?]))
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

#[test]
fn examples_fire_and_fixed_examples_do_not() {
    let mut checked = 0;
    for rule in hoplint::rules::all() {
        let (Some((lang, bad)), Some((_, good))) =
            (block_after(rule.doc, "## Example"), block_after(rule.doc, "Use instead:"))
        else {
            panic!("{}: Example and Use instead blocks", rule.code)
        };
        let file_name = match lang {
            "nginx" => "example.conf",
            "yaml" => "example.yaml",
            _ => continue,
        };
        for (text, must_fire) in [(bad, true), (good, false)] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(file_name), text).unwrap();
            let (_, stdout, _) = common::hoplint(
                dir.path(),
                &["check", file_name, "--no-config", "--nginx-version", "1.30", "--format", "json"],
            );
            let fired = common::codes_and_lines(&common::json(&stdout)).iter().any(|(c, _)| c == rule.code);
            assert_eq!(
                fired,
                must_fire,
                "{}: example {}:\n{text}\n{stdout}",
                rule.code,
                if must_fire { "must fire" } else { "must not fire" }
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} rules have checkable examples");
}
