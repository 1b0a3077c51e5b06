//! `hoplint rules`.

use std::fmt::Write;

use crate::cli::ListFormat;

pub fn run(format: ListFormat) -> String {
    let rules: Vec<_> = crate::rules::all().collect();
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity.as_str(),
                        "fix": r.fix,
                        "summary": r.summary(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
            text.push('\n');
            text
        }
        ListFormat::Text => {
            let mut out = String::new();
            for r in rules {
                let _ = writeln!(
                    out,
                    "{:<6} {:<36} {:<8} fix: {:<22} {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.fix.describe(),
                    r.summary()
                );
            }
            out
        }
    }
}
