//! NG: nginx configuration itself.

mod duplicate_nginx_directive;
mod include_problem;
mod inherited_header_dropped;
mod invalid_nginx_value;
mod nginx_syntax_error;
mod unknown_nginx_directive;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &nginx_syntax_error::RULE,        // NG001
    &unknown_nginx_directive::RULE,   // NG002
    &duplicate_nginx_directive::RULE, // NG003
    &inherited_header_dropped::RULE,  // NG004
    &include_problem::RULE,           // NG005
    &invalid_nginx_value::RULE,       // NG006
];
