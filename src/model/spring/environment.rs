//! The property sources of one Spring Boot application in precedence order
//! (Spring Boot reference, "Externalized Configuration"): system properties
//! over environment variables over application files; among files,
//! profile-specific ones over the others, the last active profile winning;
//! `config/` over the directory itself; `.properties` over `.yml` over
//! `.yaml` in one place; a later document of a file over an earlier one.
//! Also the active profiles, and `${name:default}` placeholders.

use super::binding::{env_binds, uniform};
use super::documents::{Activation, Document, Property};
use super::profiles::{any_matches, split_list};
use crate::model::command::EnvVar;
use crate::model::jvm::SystemProperty;
use crate::model::setting::Origin;

/// Whether a source applies.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Applies {
    Always,
    /// Cannot be told statically; the text says when it would.
    Unknown(String),
}

/// How a source's names bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Naming {
    /// `.`-separated names (files, system properties).
    Dotted,
    /// Environment variable names.
    Environment,
}

#[derive(Clone, Debug)]
struct Layer {
    label: String,
    applies: Applies,
    naming: Naming,
    properties: Vec<Property>,
}

impl Layer {
    /// The last property of this layer that binds to `name`.
    fn find(&self, name: &str) -> Option<&Property> {
        let wanted = uniform(name);
        self.properties.iter().rev().find(|p| match self.naming {
            Naming::Dotted => uniform(&p.name) == wanted,
            Naming::Environment => env_binds(&p.name, name),
        })
    }
}

/// The active profiles, or why they cannot be known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Profiles {
    /// In order (a later profile's files win). Spring's `default` profile
    /// when none is set.
    Known(Vec<String>),
    Unknown(String),
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup<'a> {
    Found(&'a Property),
    Absent,
    /// A source that may or may not apply sets it (or the value is not in
    /// the repository).
    Unknown(String),
}

/// A value after placeholder replacement, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub origin: Origin,
}

/// Placeholders nest at most this deep (a value referring to itself).
const MAX_PLACEHOLDER_DEPTH: usize = 16;

/// All sources of one application, highest precedence first.
#[derive(Clone, Debug)]
pub struct Environment {
    layers: Vec<Layer>,
    pub profiles: Profiles,
}

impl Environment {
    /// `documents` in file precedence order, lowest first (profile files
    /// last, in any profile order: they are ordered here by the active
    /// profiles); `env` the process environment; `system` the `-D`
    /// properties.
    pub fn new(documents: &[Document], env: &[EnvVar], system: &[SystemProperty]) -> Environment {
        let env_layer = Layer {
            label: "the environment".to_owned(),
            applies: Applies::Always,
            naming: Naming::Environment,
            properties: env
                .iter()
                .map(|var| Property {
                    name: var.name.clone(),
                    value: var.value.clone(),
                    file: var.file,
                    span: var.span,
                    location: var.name.clone(),
                })
                .collect(),
        };
        let system_layer = Layer {
            label: "a -D system property".to_owned(),
            applies: Applies::Always,
            naming: Naming::Dotted,
            properties: system
                .iter()
                .map(|p| Property {
                    name: p.name.clone(),
                    value: Some(p.value.clone()),
                    file: p.file,
                    span: p.span,
                    location: format!("-D{}", p.name),
                })
                .collect(),
        };
        // Profiles come from the sources that cannot depend on them.
        let unconditional: Vec<Layer> = [system_layer.clone(), env_layer.clone()]
            .into_iter()
            .chain(
                documents
                    .iter()
                    .rev()
                    .filter(|d| d.file_profile.is_none() && d.activation == Activation::Always)
                    .map(document_layer),
            )
            .collect();
        let profiles = active_profiles(&Environment { layers: unconditional, profiles: Profiles::Known(Vec::new()) });
        let mut ordered: Vec<&Document> = documents.iter().collect();
        if let Profiles::Known(active) = &profiles {
            let rank = |d: &&Document| {
                d.file_profile.as_ref().map_or(0, |p| active.iter().position(|a| a == p).map_or(0, |i| i + 1))
            };
            ordered.sort_by_key(rank);
        }
        let mut layers = vec![system_layer, env_layer];
        for document in ordered.into_iter().rev() {
            if let Some(applies) = applies(document, &profiles) {
                layers.push(Layer { applies, ..document_layer(document) });
            }
        }
        Environment { layers, profiles }
    }

    /// The winning property for `name` (canonical form).
    pub fn find(&self, name: &str) -> Lookup<'_> {
        let mut conditional = None;
        for layer in &self.layers {
            let Some(property) = layer.find(name) else { continue };
            match &layer.applies {
                Applies::Unknown(when) => {
                    conditional
                        .get_or_insert_with(|| format!("{name} is set in {}, which applies only {when}", layer.label));
                }
                Applies::Always => {
                    return match (conditional, &property.value) {
                        (Some(reason), _) => Lookup::Unknown(reason),
                        (None, None) => Lookup::Unknown(format!("{} is set outside the repository", property.name)),
                        (None, Some(_)) => Lookup::Found(property),
                    };
                }
            }
        }
        conditional.map_or(Lookup::Absent, Lookup::Unknown)
    }

    /// The value of `property` with `${name:default}` placeholders replaced
    /// (Spring's `PlaceholderParser`: nested placeholders, the first `:` at
    /// the top level separates the default). `what` names the software and
    /// setting for a default's description. `Err` says why it is unknown.
    pub fn resolve(&self, property: &Property, what: &str) -> Result<Resolved, String> {
        let home = Origin::Explicit { file: property.file, span: property.span };
        let text = property.value.as_deref().unwrap_or_default();
        self.replace(text, home, what, &property.location, 0)
    }

    fn replace(&self, text: &str, home: Origin, what: &str, location: &str, depth: usize) -> Result<Resolved, String> {
        if depth > MAX_PLACEHOLDER_DEPTH {
            return Err(format!("placeholders in {location} nest more than {MAX_PLACEHOLDER_DEPTH} deep (a cycle?)"));
        }
        let mut out = String::new();
        let mut origin = home.clone();
        let mut rest = text;
        let mut placeholders = 0;
        while let Some(start) = rest.find("${") {
            let Some(len) = placeholder_len(&rest[start..]) else { break };
            out.push_str(&rest[..start]);
            let inner = &rest[start + 2..start + len - 1];
            let (name, default) = split_default(inner);
            let name = self.replace(name, home.clone(), what, location, depth + 1)?.text;
            let found = match self.find(&name) {
                Lookup::Found(p) => Some(p),
                Lookup::Unknown(reason) => return Err(reason),
                Lookup::Absent => None,
            };
            let part = match (found, default) {
                (Some(p), _) => {
                    let own = Origin::Explicit { file: p.file, span: p.span };
                    self.replace(p.value.as_deref().unwrap_or_default(), own, what, &p.location, depth + 1)?
                }
                (None, Some(default)) => {
                    let mut part = self.replace(default, home.clone(), what, location, depth + 1)?;
                    if part.origin == home {
                        part.origin = Origin::Default {
                            what: format!(
                                "{what}: placeholder default of ${{{inner}}} in {location} ({name} is not set in the repository and may come from the environment)"
                            ),
                        };
                    }
                    part
                }
                (None, None) => return Err(format!("${{{name}}} in {location} is not set in the repository")),
            };
            placeholders += 1;
            let whole = start == 0 && len == rest.len() && out.is_empty();
            // A value that is one placeholder comes from where that placeholder
            // resolved; a default anywhere makes the value a default.
            if whole || matches!(part.origin, Origin::Default { .. }) {
                origin = part.origin;
            }
            out.push_str(&part.text);
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        if placeholders > 1 && !matches!(origin, Origin::Default { .. }) {
            origin = home;
        }
        Ok(Resolved { text: out, origin })
    }
}

/// The length of the placeholder at the start of `text` (`${…}`, nested
/// ones included), or `None` when it is not closed.
fn placeholder_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("${")?;
    find_outside_placeholders(inner, b'}').map(|end| end + 3)
}

/// `name:default` split at the first `:` outside nested placeholders.
fn split_default(inner: &str) -> (&str, Option<&str>) {
    match find_outside_placeholders(inner, b':') {
        Some(i) => (&inner[..i], Some(&inner[i + 1..])),
        None => (inner, None),
    }
}

/// The first `wanted` byte of `text` that is not inside a nested `${…}`.
fn find_outside_placeholders(text: &str, wanted: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"${") {
            depth += 1;
            i += 2;
            continue;
        }
        if bytes[i] == wanted && depth == 0 {
            return Some(i);
        }
        if bytes[i] == b'}' {
            depth = depth.saturating_sub(1);
        }
        i += 1;
    }
    None
}

fn document_layer(document: &Document) -> Layer {
    Layer {
        label: document.label.clone(),
        applies: Applies::Always,
        naming: Naming::Dotted,
        properties: document.properties.clone(),
    }
}

/// Whether a document applies under `profiles`; `None` when it does not.
fn applies(document: &Document, profiles: &Profiles) -> Option<Applies> {
    let active = match profiles {
        Profiles::Known(active) => active,
        Profiles::Unknown(why) => {
            let conditional =
                document.file_profile.is_some() || matches!(document.activation, Activation::OnProfile(_));
            return Some(if conditional {
                Applies::Unknown(format!("for some profiles, and the active profiles are not known ({why})"))
            } else {
                Applies::Always
            });
        }
    };
    if let Some(profile) = &document.file_profile
        && !active.contains(profile)
    {
        return None;
    }
    match &document.activation {
        Activation::Always => Some(Applies::Always),
        Activation::OnCloudPlatform(platform) => Some(Applies::Unknown(format!("on the `{platform}` cloud platform"))),
        Activation::OnProfile(expressions) => match any_matches(expressions, active) {
            Ok(true) => Some(Applies::Always),
            Ok(false) => None,
            Err(why) => Some(Applies::Unknown(format!("under a profile expression Spring rejects ({why})"))),
        },
    }
}

/// `spring.profiles.active` from the unconditional sources, else
/// `spring.profiles.default`, else Spring's `default` profile.
fn active_profiles(unconditional: &Environment) -> Profiles {
    for key in ["spring.profiles.active", "spring.profiles.default"] {
        match list(unconditional, key) {
            Ok(Some(names)) => return Profiles::Known(names),
            Ok(None) => {}
            Err(why) => return Profiles::Unknown(why),
        }
    }
    Profiles::Known(vec!["default".to_owned()])
}

/// A comma-separated list property, or its YAML list form (`key[0]`…).
fn list(environment: &Environment, key: &str) -> Result<Option<Vec<String>>, String> {
    let value = |p: &Property| -> Result<Vec<String>, String> {
        let text = p.value.as_deref().ok_or_else(|| format!("{} is set outside the repository", p.name))?;
        if text.contains("${") {
            return Err(format!("{} holds a placeholder", p.location));
        }
        Ok(split_list(text))
    };
    match environment.find(key) {
        Lookup::Found(p) => return value(p).map(Some),
        Lookup::Unknown(why) => return Err(why),
        Lookup::Absent => {}
    }
    let mut items = Vec::new();
    for index in 0.. {
        match environment.find(&format!("{key}[{index}]")) {
            Lookup::Found(p) => items.extend(value(p)?),
            Lookup::Unknown(why) => return Err(why),
            Lookup::Absent => break,
        }
    }
    Ok((!items.is_empty()).then_some(items))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::model::spring::documents::load;
    use crate::source::{FileId, SourceFile};
    use crate::span::Span;

    fn documents(files: &[(&str, &str)]) -> Vec<Document> {
        let mut all = Vec::new();
        for (i, (path, text)) in files.iter().enumerate() {
            let source = SourceFile::new(PathBuf::from(path), text.as_bytes().to_vec());
            let mut problems = Vec::new();
            all.extend(load(FileId(u32::try_from(i).unwrap()), &source, &mut problems));
            assert!(problems.is_empty());
        }
        all
    }

    fn var(name: &str, value: Option<&str>) -> EnvVar {
        EnvVar { name: name.into(), value: value.map(Into::into), file: FileId(9), span: Span::new(1, 2) }
    }

    fn value(environment: &Environment, key: &str) -> Option<String> {
        match environment.find(key) {
            Lookup::Found(p) => p.value.clone(),
            _ => None,
        }
    }

    #[test]
    fn precedence_and_profiles() {
        let docs = documents(&[
            (
                "application.yml",
                "a: yml\nb: yml\nspring.profiles.active: prod\n---\nspring.config.activate.on-profile: prod\nc: prod-doc\n---\nspring.config.activate.on-profile: dev\nc: dev-doc\n",
            ),
            ("application.properties", "a=props\n"),
            ("application-prod.properties", "b=prod-file\n"),
        ]);
        let environment = Environment::new(&docs, &[], &[]);
        assert_eq!(environment.profiles, Profiles::Known(vec!["prod".into()]));
        assert_eq!(value(&environment, "a").as_deref(), Some("props"));
        assert_eq!(value(&environment, "b").as_deref(), Some("prod-file"));
        assert_eq!(value(&environment, "c").as_deref(), Some("prod-doc"));
        let with_env =
            Environment::new(&docs, &[var("SPRING_PROFILES_ACTIVE", Some("dev")), var("A", Some("env"))], &[]);
        assert_eq!(value(&with_env, "c").as_deref(), Some("dev-doc"));
        assert_eq!(value(&with_env, "b").as_deref(), Some("yml"));
        assert_eq!(value(&with_env, "a").as_deref(), Some("env"));
    }

    #[test]
    fn unknown_profiles_make_conditional_values_unknown() {
        let docs = documents(&[("application.yml", "a: 1\n---\nspring.config.activate.on-profile: prod\na: 2\n")]);
        let environment = Environment::new(&docs, &[var("SPRING_PROFILES_ACTIVE", None)], &[]);
        assert!(matches!(environment.profiles, Profiles::Unknown(_)));
        let Lookup::Unknown(why) = environment.find("a") else { panic!() };
        assert!(why.contains("application.yml (document 2)"), "{why}");
    }

    #[test]
    fn default_profile_and_lists() {
        let docs = documents(&[("application.yml", "x: base\n"), ("application-default.yml", "x: default\n")]);
        assert_eq!(value(&Environment::new(&docs, &[], &[]), "x").as_deref(), Some("default"));
        let docs = documents(&[("application.yml", "spring.profiles.active: [a, b]\n")]);
        assert_eq!(Environment::new(&docs, &[], &[]).profiles, Profiles::Known(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn placeholders() {
        let docs = documents(&[(
            "application.properties",
            "t=${KEEPALIVE:30s}\nu=${MISSING}\nv=${t}\nw=x${y:1}${z:2}\nloop=${loop}\n",
        )]);
        let environment = Environment::new(&docs, &[], &[]);
        let resolve = |key: &str| {
            let Lookup::Found(p) = environment.find(key) else { panic!("{key}") };
            environment.resolve(p, "Spring Boot 3.3.1 t")
        };
        let t = resolve("t").unwrap();
        assert_eq!(t.text, "30s");
        let Origin::Default { what } = &t.origin else { panic!() };
        assert!(what.contains("${KEEPALIVE:30s} in application.properties:1"), "{what}");
        assert!(resolve("u").unwrap_err().contains("${MISSING}"));
        assert_eq!(resolve("v").unwrap().text, "30s");
        assert_eq!(resolve("w").unwrap().text, "x12");
        assert!(resolve("loop").is_err());
        let with_env = Environment::new(&docs, &[var("KEEPALIVE", Some("45s"))], &[]);
        let Lookup::Found(p) = with_env.find("t") else { panic!() };
        let resolved = with_env.resolve(p, "x").unwrap();
        assert_eq!(resolved.text, "45s");
        assert_eq!(resolved.origin, Origin::Explicit { file: FileId(9), span: Span::new(1, 2) });
        assert_eq!(split_default("a:${b:c}:d"), ("a", Some("${b:c}:d")));
        assert_eq!(split_default("${a:b}"), ("${a:b}", None));
    }
}
