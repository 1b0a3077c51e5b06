//! Limits where the software reads `0` as "no limit" (gunicorn `timeout`,
//! php-fpm `request_terminate_timeout` and `pm.max_requests`, httpd
//! `MaxKeepAliveRequests`).

use crate::model::setting::Setting;

/// The same setting with `zero` turned into "unbounded", keeping its origin.
pub fn zero_is_unbounded<T: PartialEq>(setting: Setting<T>, zero: &T) -> Setting<T> {
    if setting.value.as_ref() == Some(zero) { Setting { value: None, origin: setting.origin } } else { setting }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::setting::Millis;

    #[test]
    fn zero_only() {
        assert_eq!(zero_is_unbounded(Setting::default(Millis(0), "x"), &Millis(0)), Setting::default_unbounded("x"));
        assert_eq!(zero_is_unbounded(Setting::default(5_u64, "x"), &0).value, Some(5));
    }
}
