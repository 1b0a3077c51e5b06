//! HL001 unused-suppression (judged in `crate::suppress`)

use crate::diagnostic::Severity;
use crate::fix::FixAvailability;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "HL001",
    name: "unused-suppression",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    doc: rule_doc!("HL001"),
    check: Check::Suppressions,
};
