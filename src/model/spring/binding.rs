//! Spring Boot relaxed binding: which written names bind to a canonical
//! property name (`server.tomcat.keep-alive-timeout`).
//!
//! Read from Spring Boot's `context/properties/source` package (HEAD):
//! - `ConfigurationPropertyName.equals` compares element by element,
//!   ignoring case and every character that is not `a-z0-9`
//!   (`defaultElementEquals`), so `keepAliveTimeout`, `keep_alive_timeout`
//!   and `keep-alive-timeout` are one element; `[…]` indexes compare exactly.
//! - Files and system properties split names on `.` (`DefaultPropertyMapper`).
//! - Environment variables (`SystemEnvironmentPropertyMapper`, documented as
//!   "Binding From Environment Variables") split on `_`, lowercase each
//!   element and turn numeric elements into indexes: `SERVER_TOMCAT_KEEPALIVETIMEOUT`
//!   → `server.tomcat.keepalivetimeout`. A canonical name is also looked up
//!   under its legacy form, dashes turned into `_` and upper- or lowercased:
//!   `SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT`. The environment source also keeps
//!   the default `.` mapper (`SpringConfigurationPropertySource`
//!   `SYSTEM_ENVIRONMENT_MAPPERS`), so `server.tomcat.keep-alive-timeout` as
//!   a variable name binds too.

/// A property name in comparable form: elements joined by `.`, each
/// lowercased with everything but `a-z0-9` dropped; indexes kept as written.
pub fn uniform(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_index = false;
    for c in name.chars() {
        if in_index {
            out.push(c);
            in_index = c != ']';
        } else if c == '[' {
            if !out.is_empty() {
                out.push('.');
            }
            out.push('[');
            in_index = true;
        } else if c == '.' {
            out.push('.');
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The comparable form of an environment variable name under the `_`
/// mapping.
fn uniform_env(name: &str) -> String {
    let elements: Vec<String> = name
        .split('_')
        .map(|element| {
            if !element.is_empty() && element.bytes().all(|b| b.is_ascii_digit()) {
                format!("[{element}]")
            } else {
                element.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
            }
        })
        .collect();
    elements.join(".")
}

/// Whether environment variable `variable` binds to the canonical property
/// `canonical` (lowercase, dashed, `.`-separated).
pub fn env_binds(variable: &str, canonical: &str) -> bool {
    let wanted = uniform(canonical);
    if uniform_env(variable) == wanted || uniform(variable) == wanted {
        return true;
    }
    let legacy = canonical.replace(['.', '-'], "_");
    variable == legacy.to_ascii_uppercase() || variable == legacy
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "server.tomcat.keep-alive-timeout";

    #[test]
    fn file_forms() {
        for written in [
            KEY,
            "server.tomcat.keepAliveTimeout",
            "server.tomcat.keep_alive_timeout",
            "Server.Tomcat.KEEP-ALIVE-TIMEOUT",
        ] {
            assert_eq!(uniform(written), uniform(KEY), "{written}");
        }
        assert_ne!(uniform("server.tomcat.keep.alive.timeout"), uniform(KEY));
        assert_eq!(uniform("a.list[0].b"), "a.list.[0].b");
        assert_eq!(uniform("a[Key.X]"), "a.[Key.X]");
    }

    #[test]
    fn environment_forms() {
        assert!(env_binds("SERVER_TOMCAT_KEEPALIVETIMEOUT", KEY));
        assert!(env_binds("SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT", KEY));
        assert!(env_binds("server_tomcat_keep_alive_timeout", KEY));
        assert!(env_binds("server_tomcat_keepalivetimeout", KEY));
        assert!(env_binds("server.tomcat.keep-alive-timeout", KEY));
        // Mixed case only binds through the `_` mapping, not the legacy form.
        assert!(!env_binds("Server_Tomcat_Keep_Alive_Timeout", KEY));
        assert!(!env_binds("SERVER_TOMCAT_KEEP_ALIVE", KEY));
        assert!(!env_binds("SERVER.TOMCAT_KEEPALIVETIMEOUT", KEY));
        assert!(env_binds("SPRING_PROFILES_ACTIVE", "spring.profiles.active"));
        assert_eq!(uniform_env("MY_LIST_0_NAME"), "my.list.[0].name");
    }
}
