//! HL: hoplint itself.

mod unreadable_file;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[&unreadable_file::RULE];
