//! What the Java hops (Tomcat, Spring Boot) share: the version a repository
//! declares, and JVM system properties (`-Dname=value`) passed through
//! environment variables.

use crate::knowledge::Version;
use crate::model::command::{EnvVar, split_shell};
use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;

/// A release number written in the repository (an image tag, a build file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeclaredVersion {
    pub version: Version,
    pub file: FileId,
    pub span: Span,
}

/// The version a hop runs: declared, or the newest known when nothing
/// declares one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunningVersion {
    /// `Tomcat`, `Spring Boot`.
    pub software: &'static str,
    pub version: Version,
    pub declared: Option<DeclaredVersion>,
}

impl RunningVersion {
    pub fn new(software: &'static str, declared: Option<DeclaredVersion>, newest: Version) -> Self {
        Self { software, version: declared.map_or(newest, |d| d.version), declared }
    }

    /// `Tomcat 9.0.80`, or `Tomcat 11.0.26 (assumed)` when no version is
    /// declared: the prefix of every default's `what`.
    pub fn label(&self) -> String {
        let assumed = if self.declared.is_some() { "" } else { " (assumed)" };
        format!("{} {}{assumed}", self.software, self.version)
    }

    /// The hop's `software_version` setting.
    pub fn setting(&self) -> Setting<String> {
        match self.declared {
            Some(d) => Setting::explicit(d.version.to_string(), d.file, d.span),
            None => Setting::default(
                self.version.to_string(),
                format!("newest known {} (no version declared in the repository)", self.software),
            ),
        }
    }
}

/// Environment variables whose `-D` words reach Tomcat's JVM, in the order
/// they appear on its command line (later wins): the JVM reads
/// `JAVA_TOOL_OPTIONS` before its arguments, and `catalina.sh` passes
/// `$JAVA_OPTS` before `$CATALINA_OPTS` (facts §A1, `bin/catalina.sh`).
pub const TOMCAT_OPTION_VARIABLES: &[&str] = &["JAVA_TOOL_OPTIONS", "JAVA_OPTS", "CATALINA_OPTS"];

/// The same for a Spring Boot jar: `JAVA_TOOL_OPTIONS`, then `JAVA_OPTS` as
/// start scripts conventionally expand it (`java $JAVA_OPTS -jar app.jar`).
pub const SPRING_OPTION_VARIABLES: &[&str] = &["JAVA_TOOL_OPTIONS", "JAVA_OPTS"];

/// One `-Dname=value` system property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemProperty {
    pub name: String,
    pub value: String,
    /// Where the value is written: the part after `=` when the option
    /// variable's text maps onto its file, else the whole variable's value.
    pub file: FileId,
    pub span: Span,
}

/// The `-D` system properties set by `env` through the variables named in
/// `variables` (compared exactly), in command-line order. `text_of` gives
/// the text of a file, to point each property at its own bytes. Variables
/// whose value is not in the repository (`valueFrom`) contribute nothing.
pub fn system_properties<'a>(
    env: &[EnvVar],
    variables: &[&str],
    text_of: impl Fn(FileId) -> Option<&'a str>,
) -> Vec<SystemProperty> {
    let mut found = Vec::new();
    for variable in variables {
        for var in env.iter().filter(|v| v.name == *variable) {
            let Some(value) = var.value.as_deref() else { continue };
            let mapped_at =
                text_of(var.file).and_then(|text| value_offset(var.span.text(text), value)).map(|o| var.span.start + o);
            let (words, _) = split_shell(value, 0);
            for word in words {
                let Some(assignment) = word.text.strip_prefix("-D") else { continue };
                let (name, property_value) = assignment.split_once('=').unwrap_or((assignment, ""));
                if name.is_empty() {
                    continue;
                }
                let span = match mapped_at {
                    // The word's own bytes when they are written without quotes.
                    Some(at) if word.span.text(value) == word.text => {
                        let value_start = word.span.end - u32::try_from(property_value.len()).unwrap_or(0);
                        Span::new(at + value_start, at + word.span.end)
                    }
                    Some(at) => Span::new(at + word.span.start, at + word.span.end),
                    None => var.span,
                };
                found.push(SystemProperty {
                    name: name.to_owned(),
                    value: property_value.to_owned(),
                    file: var.file,
                    span,
                });
            }
        }
    }
    found
}

/// Where `value` starts inside `raw` (an environment value as written):
/// `raw` itself or `raw` in quotes.
fn value_offset(raw: &str, value: &str) -> Option<u32> {
    if raw == value {
        return Some(0);
    }
    let quoted = raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value);
    quoted.then_some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str, raw: &str, value: &str, at: u32) -> EnvVar {
        EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            file: FileId(3),
            span: Span::new(at, at + u32::try_from(raw.len()).unwrap()),
        }
    }

    #[test]
    fn properties_point_at_their_values() {
        let text = "ENV CATALINA_OPTS=\"-Xmx1g -Dtomcat.timeout=25000 -Dflag\"\nENV JAVA_OPTS=-Da=1";
        let catalina = env(
            "CATALINA_OPTS",
            "\"-Xmx1g -Dtomcat.timeout=25000 -Dflag\"",
            "-Xmx1g -Dtomcat.timeout=25000 -Dflag",
            18,
        );
        let java = env("JAVA_OPTS", "-Da=1", "-Da=1", 71);
        let found = system_properties(&[catalina, java], TOMCAT_OPTION_VARIABLES, |_| Some(text));
        let summary: Vec<_> = found.iter().map(|p| (p.name.as_str(), p.value.as_str(), p.span.text(text))).collect();
        // JAVA_OPTS comes first on catalina.sh's command line.
        assert_eq!(summary, [("a", "1", "1"), ("tomcat.timeout", "25000", "25000"), ("flag", "", "")]);
    }

    #[test]
    fn unmapped_values_point_at_the_variable() {
        let var = env("JAVA_OPTS", "$(opts)", "-Dspring.profiles.active=prod", 0);
        let found = system_properties(std::slice::from_ref(&var), SPRING_OPTION_VARIABLES, |_| None);
        assert_eq!(found[0].span, var.span);
        assert_eq!(found[0].value, "prod");
    }

    #[test]
    fn labels() {
        let declared = DeclaredVersion { version: Version::new(9, 0, 80), file: FileId(1), span: Span::new(5, 11) };
        let running = RunningVersion::new("Tomcat", Some(declared), Version::new(11, 0, 26));
        assert_eq!(running.label(), "Tomcat 9.0.80");
        assert!(running.setting().is_explicit());
        let assumed = RunningVersion::new("Tomcat", None, Version::new(11, 0, 26));
        assert_eq!(assumed.label(), "Tomcat 11.0.26 (assumed)");
        assert_eq!(assumed.setting().value.as_deref(), Some("11.0.26"));
    }
}
