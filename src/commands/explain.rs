//! `hoplint explain CODE|NAME`.

use std::fmt::Write;

/// The rule's documentation followed by its metadata, or an error message
/// with a suggestion.
pub fn run(query: &str) -> Result<String, String> {
    if let Some(rule) = crate::rules::find(query) {
        let mut out = rule.doc.trim_end().to_owned();
        let _ = write!(
            out,
            "\n\n---\nCode: {} · Name: {} · Severity: {} · Fix: {}\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.fix.describe()
        );
        return Ok(out);
    }
    let names = crate::rules::all().flat_map(|r| [r.code, r.name]);
    let hint = crate::text::did_you_mean(query, names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    Err(format!("unknown rule `{query}`{hint}; `hoplint rules` lists them"))
}
