//! The rule registry. A rule is a static value: code, name, severity, fix
//! availability, documentation and a check function over the whole project.

mod context;
mod hl;
mod ka;
mod ng;
mod nginx_insert;
mod value_edit;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::project::Project;
pub use context::RuleContext;

/// How a rule finds its diagnostics.
#[derive(Debug)]
pub enum Check {
    /// Reads the project model, appends findings.
    Project(fn(&RuleContext<'_>, &mut Vec<Diagnostic>)),
    /// Judges the inline suppressions after every other rule ran
    /// ([`crate::suppress::apply`]).
    Suppressions,
}

/// One rule of the catalog (RULES.md). Codes are permanent.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// `rules/<CODE>.md`, embedded.
    pub doc: &'static str,
    pub check: Check,
}

impl Rule {
    /// The first sentence under "What it does", for one-line listings.
    pub fn summary(&self) -> &'static str {
        let body = self.doc.split("## What it does").nth(1).unwrap_or("");
        let body = body.trim_start();
        let paragraph = body.split("\n\n").next().unwrap_or("");
        let end = paragraph.find(". ").map_or(paragraph.len(), |i| i + 1);
        paragraph[..end].trim()
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// Embeds `rules/<CODE>.md`; a missing doc is a compile error.
macro_rules! rule_doc {
    ($code:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md"))
    };
}
pub(crate) use rule_doc;

/// Every rule, in code order.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    hl::RULES.iter().chain(ka::RULES.iter()).chain(ng::RULES.iter()).copied()
}

/// The rule with this code or kebab name (case-insensitive).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name))
}

/// Whether `selector` (a code, a prefix such as `NG`, or `ALL`) names a rule
/// or group of rules that exists.
pub fn is_valid_selector(selector: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL") || all().any(|r| r.code.starts_with(&selector.to_ascii_uppercase()))
}

/// `--select` / `--ignore` / `--extend-select`: the most specific matching
/// selector wins; a tie goes to ignore.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `[lint.per-file-ignores]`: files (paths relative to the project root,
    /// or file names for a glob without `/`) and the selectors off in them.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<String>)>,
}

fn specificity(selector: &str, code: &str) -> Option<usize> {
    if selector.eq_ignore_ascii_case("ALL") {
        return Some(0);
    }
    let upper = selector.to_ascii_uppercase();
    code.starts_with(&upper).then_some(upper.len())
}

impl Selection {
    pub fn is_selected(&self, rule: &Rule) -> bool {
        let best = |list: &[String]| list.iter().filter_map(|s| specificity(s, rule.code)).max();
        let selected = if self.select.is_empty() { Some(0) } else { best(&self.select) };
        let selected = selected.max(best(&self.extend_select));
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }

    /// Whether `[lint.per-file-ignores]` turns `rule` off in the file at
    /// `relative` (to the project root, `/`-separated).
    pub fn is_ignored_in(&self, rule: &Rule, relative: &str) -> bool {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        self.per_file_ignores.iter().any(|(glob, selectors)| {
            let target = if glob.glob().glob().contains('/') { relative } else { name };
            glob.is_match(target) && selectors.iter().any(|s| specificity(s, rule.code).is_some())
        })
    }
}

/// Runs every selected rule; diagnostics are sorted by the caller.
pub fn run(project: &Project, selection: &Selection) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let rules: Vec<&'static Rule> = all().filter(|r| selection.is_selected(r)).collect();
    let cx = RuleContext::new(project);
    rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            if let Check::Project(check) = rule.check {
                check(&cx, &mut out);
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_prefers_specific() {
        let rule = find("NG002").unwrap();
        let sel = |select: &[&str], ignore: &[&str]| Selection {
            select: select.iter().map(ToString::to_string).collect(),
            extend_select: Vec::new(),
            per_file_ignores: Vec::new(),
            ignore: ignore.iter().map(ToString::to_string).collect(),
        };
        assert!(sel(&[], &[]).is_selected(rule));
        assert!(!sel(&[], &["NG"]).is_selected(rule));
        assert!(sel(&["NG002"], &["NG"]).is_selected(rule));
        assert!(!sel(&["HL"], &[]).is_selected(rule));
        assert!(sel(&["ALL"], &["NG001"]).is_selected(rule));
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<_> = all().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
