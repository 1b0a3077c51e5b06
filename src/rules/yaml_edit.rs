//! Adding a key to a YAML mapping written in block style, under the line
//! that opens it (`data:` of a ConfigMap, `controller.config:` of Helm
//! values), at the indentation of its first entry.

use crate::fix::Edit;
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;

/// An edit inserting `key: value` as the first entry of the block mapping
/// opened by the line holding `opener` (a span on the `data:` line). `None`
/// when that line does not open a block mapping (`data: {}`, a scalar).
pub fn insert_entry(project: &Project, file: FileId, opener: Span, key: &str, value: &str) -> Option<Edit> {
    let text = &project.file(file).text;
    let line_start = text[..opener.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[opener.start as usize..].find('\n').map_or(text.len(), |i| opener.start as usize + i);
    let line = &text[line_start..line_end];
    let content = line.split(" #").next().unwrap_or(line).trim_end();
    if !content.ends_with(':') {
        return None;
    }
    let indent = line.len() - line.trim_start().len();
    // The first entry's indentation, when there is one below.
    let next_line = text.get(line_end + 1..).and_then(|rest| rest.lines().find(|l| !l.trim().is_empty()));
    let child_indent = next_line
        .map(|l| l.len() - l.trim_start().len())
        .filter(|n| *n > indent && next_line.is_some_and(|l| !l.trim_start().starts_with('#')))
        .unwrap_or(indent + 2);
    let at = u32::try_from((line_end + 1).min(text.len())).ok()?;
    let newline = if line_end == text.len() { "\n" } else { "" };
    Some(Edit::replace(file, Span::at(at), format!("{newline}{}{key}: {value}\n", " ".repeat(child_indent))))
}
