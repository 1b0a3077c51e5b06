//! Inserting a directive into an nginx block (RULES.md "Inserted
//! directives"): after the block's last directive of the same module, else
//! before its closing `}`, at the indentation of its first directive.

use crate::fix::Edit;
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::nginx::Directive;

/// An edit inserting `line` (a whole directive, `;` included) into `block`,
/// written in `file`. `same_module` tells which directives (seen with their
/// names) belong with it. `None` when the block is empty or unclosed (no indentation or end to
/// follow).
pub fn insert_into_block(
    project: &Project,
    file: FileId,
    block: &Directive,
    line: &str,
    same_module: &dyn Fn(&Directive, &str) -> bool,
) -> Option<Edit> {
    let text = &project.file(file).text;
    let body = block.block()?;
    let children: Vec<&Directive> = body.directives().collect();
    let first = children.first()?.span();
    let line_start = text[..first.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first.start as usize];
    if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
        // The block is written on one line: keep it so.
        let close = body.close?;
        return Some(Edit::replace(file, Span::at(close.start), format!("{line} ")));
    }
    if let Some(after) = children.iter().rev().find(|c| same_module(c, &c.name(text))) {
        return insert_after(project, file, after, line);
    }
    // Before the line holding `}` (its indentation stays).
    let close = body.close?.start;
    let close_line = text[..close as usize].rfind('\n').map_or(0, |i| i + 1);
    if !text[close_line..close as usize].trim().is_empty() {
        return Some(Edit::replace(file, Span::at(close), format!("{line} ")));
    }
    Some(Edit::replace(file, Span::at(u32::try_from(close_line).ok()?), format!("{indent}{line}\n")))
}

/// An edit inserting `line` on its own line after `after` (a directive in
/// `file`), at that directive's indentation.
pub fn insert_after(project: &Project, file: FileId, after: &Directive, line: &str) -> Option<Edit> {
    let text = &project.file(file).text;
    let span = after.span();
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..span.start as usize];
    if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
        return Some(Edit::replace(file, Span::at(span.end), format!(" {line}")));
    }
    let end = text[span.end as usize..].find('\n').map_or(text.len(), |i| span.end as usize + i + 1);
    let mut content = format!("{indent}{line}\n");
    if end == text.len() && !text.ends_with('\n') {
        content.insert(0, '\n');
        content.pop();
    }
    Some(Edit::replace(file, Span::at(u32::try_from(end).ok()?), content))
}
