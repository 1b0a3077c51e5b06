//! HL002 suppression-without-reason (judged in `crate::suppress`)

use crate::diagnostic::Severity;
use crate::fix::FixAvailability;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "HL002",
    name: "suppression-without-reason",
    severity: Severity::Info,
    fix: FixAvailability::None,
    doc: rule_doc!("HL002"),
    check: Check::Suppressions,
};
