//! Inline suppressions (RULES.md "Inline suppression"):
//! `# hoplint: ignore[KA001] -- reason` on the finding's line or the line
//! above, `# hoplint: ignore-file[SD002] -- reason` anywhere in a file.
//! Codes may be prefixes. Unused suppressions are HL001, reasonless ones HL002.

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rules::{self, Selection};
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// One `hoplint: ignore…` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub file: FileId,
    /// 1-based line of the comment.
    pub line: usize,
    /// The comment, from its `#` (or `<!--`) to its end.
    pub span: Span,
    pub codes: Vec<String>,
    pub whole_file: bool,
    pub reason: Option<String>,
}

impl Suppression {
    fn covers(&self, d: &Diagnostic, line: usize) -> bool {
        d.file == self.file
            && (self.whole_file || self.line == line || self.line + 1 == line)
            && self.codes.iter().any(|c| d.rule.code.starts_with(c.as_str()))
    }
}

/// Reads `hoplint: ignore[...]` comments from a file's lines.
pub fn find(file: FileId, source: &SourceFile) -> Vec<Suppression> {
    let text = &source.text;
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(found) = parse_line(line) {
            let (start, end, codes, whole_file, reason) = found;
            #[allow(clippy::cast_possible_truncation)] // files are capped far below 4 GiB
            let span = Span::new((offset + start) as u32, (offset + end) as u32);
            out.push(Suppression { file, line: index + 1, span, codes, whole_file, reason });
        }
        offset += line.len();
    }
    out
}

type Parsed = (usize, usize, Vec<String>, bool, Option<String>);

/// `(comment start, comment end, codes, whole file, reason)` of a line's
/// suppression comment.
fn parse_line(line: &str) -> Option<Parsed> {
    let (marker, start) = ["<!--", "#"].iter().find_map(|m| {
        let at = line.find(&format!("{m} hoplint:")).or_else(|| line.find(&format!("{m}hoplint:")))?;
        Some((*m, at))
    })?;
    let body = line[start + marker.len()..].trim_start().strip_prefix("hoplint:")?.trim_start();
    let (whole_file, rest) = match body.strip_prefix("ignore-file[") {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix("ignore[")?),
    };
    let close = rest.find(']')?;
    let codes: Vec<String> =
        rest[..close].split(',').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect();
    let after = rest[close + 1..].trim_end().trim_end_matches("-->").trim();
    let reason = after.strip_prefix("--").map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let end = line.trim_end_matches(['\n', '\r']).len();
    Some((start, end, codes, whole_file, reason))
}

/// Removes suppressed diagnostics; adds HL001/HL002 findings when selected.
pub fn apply(diagnostics: Vec<Diagnostic>, files: &[SourceFile], selection: &Selection) -> Vec<Diagnostic> {
    let mut suppressions = Vec::new();
    for (i, source) in files.iter().enumerate() {
        if source.text.contains("hoplint:") {
            suppressions.extend(find(FileId(u32::try_from(i).unwrap_or(u32::MAX)), source));
        }
    }
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut used = vec![false; suppressions.len()];
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let line = files[d.file.0 as usize].lines.line(d.span.start);
        match suppressions.iter().position(|s| s.covers(&d, line)) {
            Some(i) => used[i] = true,
            None => kept.push(d),
        }
    }
    let unused_rule = rules::find("HL001").filter(|r| selection.is_selected(r));
    let reasonless_rule = rules::find("HL002").filter(|r| selection.is_selected(r));
    for (s, used) in suppressions.iter().zip(used) {
        let source = &files[s.file.0 as usize];
        // Only codes whose rules ran this time can be judged unused.
        let judged =
            s.codes.iter().all(|c| rules::all().any(|r| r.code.starts_with(c.as_str()) && selection.is_selected(r)));
        if let Some(rule) = unused_rule.filter(|_| !used && judged) {
            let fix =
                Fix::safe("Remove the unused suppression", vec![Edit::delete(s.file, removal(s.span, &source.text))]);
            let codes = s.codes.join(", ");
            kept.push(
                Diagnostic::new(
                    rule,
                    s.file,
                    s.span,
                    format!("unused suppression: nothing here is reported as {codes}"),
                )
                .with_fix(fix),
            );
        }
        if let Some(rule) = reasonless_rule.filter(|_| s.reason.is_none()) {
            kept.push(Diagnostic::new(
                rule,
                s.file,
                s.span,
                "suppression without a reason: add `-- why` after the codes",
            ));
        }
    }
    kept
}

/// The comment, with its whole line when nothing else is on it.
fn removal(comment: Span, text: &str) -> Span {
    let start = comment.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
    #[allow(clippy::cast_possible_truncation)]
    if text[line_start..start].trim().is_empty() {
        Span::new(line_start as u32, line_end as u32)
    } else {
        let spaces = text[line_start..start].len() - text[line_start..start].trim_end().len();
        Span::new((start - spaces) as u32, comment.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_forms() {
        let (_, _, codes, whole, reason) =
            parse_line("    proxy_pass x; # hoplint: ignore[ka001, NG] -- legacy\n").unwrap();
        assert_eq!(
            (codes, whole, reason.as_deref()),
            (vec!["KA001".to_owned(), "NG".to_owned()], false, Some("legacy"))
        );
        let (_, _, codes, whole, reason) = parse_line("# hoplint: ignore-file[SD002]\n").unwrap();
        assert_eq!((codes, whole, reason), (vec!["SD002".to_owned()], true, None));
        let (_, _, codes, _, reason) = parse_line("<!-- hoplint: ignore[KA001] -- tuned by ops -->").unwrap();
        assert_eq!((codes, reason.as_deref()), (vec!["KA001".to_owned()], Some("tuned by ops")));
        assert!(parse_line("# hoplint: backend=app/gunicorn.conf.py").is_none());
        assert!(parse_line("# an ordinary comment").is_none());
    }

    #[test]
    fn removal_takes_a_lone_comment_line() {
        let text = "a;\n  # hoplint: ignore[NG] -- x\nb; # hoplint: ignore[NG]\n";
        let at = |i: usize| u32::try_from(i).unwrap();
        let first = text.find('#').unwrap();
        let lone = removal(Span::new(at(first), at(first + 26)), text);
        assert_eq!(lone.text(text), "  # hoplint: ignore[NG] -- x\n");
        let second = text.rfind('#').unwrap();
        let trailing = removal(Span::new(at(second), at(text.len() - 1)), text);
        assert_eq!(trailing.text(text), " # hoplint: ignore[NG]");
    }
}
