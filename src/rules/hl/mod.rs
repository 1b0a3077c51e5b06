//! HL: hoplint itself.

mod suppression_without_reason;
mod unparsable_backend_config;
mod unreadable_file;
mod unresolved_backend_link;
mod unused_suppression;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &unused_suppression::RULE,         // HL001
    &suppression_without_reason::RULE, // HL002
    &unresolved_backend_link::RULE,    // HL003
    &unparsable_backend_config::RULE,  // HL004
    &unreadable_file::RULE,            // HL005
];
