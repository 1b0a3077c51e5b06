//! Build files (`pom.xml`, `build.gradle`, `build.gradle.kts`): the Spring
//! Boot version they pin and the embedded server their starters pull in.

use std::collections::HashMap;
use std::path::Path;

use crate::knowledge::Version;
use crate::model::jvm::DeclaredVersion;
use crate::model::setting::Setting;
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// The web server a Spring Boot application embeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbeddedServer {
    Tomcat,
    Jetty,
    Undertow,
    /// Reactor Netty (`WebFlux` without a servlet starter).
    Netty,
}

/// What a build file says about the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpringBuild {
    pub file: FileId,
    pub version: Option<DeclaredVersion>,
    /// Explicit at the starter that decides it; a default when no web
    /// starter is declared.
    pub server: Setting<EmbeddedServer>,
}

/// Whether `path` names a build file this module reads.
pub fn is_build_file(path: &Path) -> bool {
    matches!(path.file_name().and_then(|n| n.to_str()), Some("pom.xml" | "build.gradle" | "build.gradle.kts"))
}

/// The build file of an application directory: the nearest one in it or
/// above it (`src/main/resources` → the module root).
pub fn build_file_for<'a>(app_dir: &Path, candidates: impl IntoIterator<Item = (FileId, &'a Path)>) -> Option<FileId> {
    candidates
        .into_iter()
        .filter_map(|(id, path)| {
            let dir = path.parent()?;
            app_dir.starts_with(dir).then_some((dir.components().count(), id))
        })
        .max_by_key(|(depth, _)| *depth)
        .map(|(_, id)| id)
}

/// Reads a build file.
pub fn read_build_file(file: FileId, source: &SourceFile) -> SpringBuild {
    let text = &source.text;
    let is_pom = source.path.extension().is_some_and(|e| e == "xml");
    let version =
        spring_boot_version(&source.path, text).map(|(version, span)| DeclaredVersion { version, file, span });
    let starters = if is_pom { pom_starters(text) } else { gradle_starters(text) };
    let server = embedded_server(&starters).map_or_else(
        || {
            Setting::default(
                EmbeddedServer::Tomcat,
                format!("Spring Boot's default server, Tomcat (no web starter found in {})", source.display_path()),
            )
        },
        |(server, span)| Setting::explicit(server, file, span),
    );
    SpringBuild { file, version, server }
}

/// The Spring Boot version a build file pins, and where: Maven's
/// `spring-boot-starter-parent` (or `spring-boot-dependencies` import,
/// `spring-boot.version` property, `spring-boot-maven-plugin` version);
/// Gradle's `org.springframework.boot` plugin, `spring-boot-gradle-plugin`
/// coordinates, or a `springBootVersion` variable.
pub fn spring_boot_version(path: &Path, text: &str) -> Option<(Version, Span)> {
    if path.extension().is_some_and(|e| e == "xml") { pom_version(text) } else { gradle_version(text) }
}

/// `3.3.1`, `2.3.0.RELEASE`, `3.4.0-M1` → the release number; `3.3` → `3.3.0`.
fn release(text: &str) -> Option<Version> {
    let numeric: Vec<&str> = text.split(['-', '+']).next()?.split('.').take(3).collect();
    let parts: Option<Vec<u16>> = numeric
        .iter()
        .take_while(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| p.parse().ok())
        .collect();
    match parts?.as_slice() {
        [major, minor, patch] => Some(Version::new(*major, *minor, *patch)),
        [major, minor] => Some(Version::new(*major, *minor, 0)),
        _ => None,
    }
}

fn span_of(range: std::ops::Range<usize>) -> Span {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(at(range.start), at(range.end))
}

// ----------------------------------------------------------------- Maven

/// An element's trimmed text and its span.
fn element_text(node: roxmltree::Node) -> Option<(String, Span)> {
    let text_node = node.children().find(roxmltree::Node::is_text)?;
    let raw = text_node.text()?;
    let range = text_node.range();
    let leading = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    Some((trimmed.to_owned(), span_of(range.start + leading..range.start + leading + trimmed.len())))
}

fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, tag: &str) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|c| c.is_element() && c.has_tag_name(tag))
}

fn child_text(node: roxmltree::Node, tag: &str) -> Option<(String, Span)> {
    child(node, tag).and_then(element_text)
}

fn pom_version(text: &str) -> Option<(Version, Span)> {
    let document = roxmltree::Document::parse(text).ok()?;
    let project = document.root_element();
    let properties: HashMap<String, (String, Span)> = child(project, "properties")
        .map(|props| {
            props
                .children()
                .filter(roxmltree::Node::is_element)
                .filter_map(|p| Some((p.tag_name().name().to_owned(), element_text(p)?)))
                .collect()
        })
        .unwrap_or_default();
    // `${name}` resolves from the POM's own properties (one level).
    let resolve = |(value, span): (String, Span)| -> Option<(Version, Span)> {
        match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(name) => properties.get(name).and_then(|(v, s)| Some((release(v)?, *s))),
            None => Some((release(&value)?, span)),
        }
    };
    let boot_artifact = |node: roxmltree::Node, names: &[&str]| {
        child_text(node, "artifactId").is_some_and(|(artifact, _)| names.contains(&artifact.as_str()))
    };
    let parent = child(project, "parent")
        .filter(|p| {
            boot_artifact(*p, &["spring-boot-starter-parent", "spring-boot-parent", "spring-boot-dependencies"])
        })
        .and_then(|p| child_text(p, "version"));
    let property = properties.get("spring-boot.version").cloned();
    let managed = project
        .descendants()
        .filter(|n| n.has_tag_name("dependency") && n.ancestors().any(|a| a.has_tag_name("dependencyManagement")))
        .find(|d| boot_artifact(*d, &["spring-boot-dependencies"]))
        .and_then(|d| child_text(d, "version"));
    let plugin = project
        .descendants()
        .filter(|n| n.has_tag_name("plugin"))
        .find(|p| boot_artifact(*p, &["spring-boot-maven-plugin"]))
        .and_then(|p| child_text(p, "version"));
    [parent, property, managed, plugin].into_iter().flatten().find_map(resolve)
}

/// Spring Boot starters declared as dependencies (not managed versions,
/// not exclusions): artifact and span.
fn pom_starters(text: &str) -> Vec<(String, Span)> {
    let Ok(document) = roxmltree::Document::parse(text) else { return Vec::new() };
    document
        .descendants()
        .filter(|n| n.has_tag_name("dependency") && !n.ancestors().any(|a| a.has_tag_name("dependencyManagement")))
        .filter_map(|d| child_text(d, "artifactId"))
        .filter(|(artifact, _)| artifact.starts_with("spring-boot-starter-"))
        .collect()
}

// ---------------------------------------------------------------- Gradle

/// Lines of code with their offsets, `//` and `/* */`-style comment lines
/// left out.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let comment = trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.starts_with('*');
        (!comment).then_some((start, line))
    })
}

/// The first quoted string in `text` and its range.
fn quoted(text: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let open = text.find(['\'', '"'])?;
    let quote = text[open..].chars().next()?;
    let close = text[open + 1..].find(quote)? + open + 1;
    Some((&text[open + 1..close], open + 1..close))
}

fn gradle_version(text: &str) -> Option<(Version, Span)> {
    for (offset, line) in code_lines(text) {
        let found = if let Some(at) = line.find("org.springframework.boot:spring-boot-gradle-plugin:") {
            let from = at + "org.springframework.boot:spring-boot-gradle-plugin:".len();
            let end = line[from..].find(['\'', '"', ')']).map_or(line.len(), |i| from + i);
            Some((&line[from..end], from..end))
        } else if let Some(at) = line.find("org.springframework.boot") {
            // `id 'org.springframework.boot' version '3.2.0'`, `id("org.springframework.boot") version "3.3.1"`.
            let after = at + "org.springframework.boot".len();
            line[after..].find("version").and_then(|v| {
                let from = after + v + "version".len();
                quoted(&line[from..]).map(|(s, r)| (s, from + r.start..from + r.end))
            })
        } else if let Some(at) = line.find("springBootVersion") {
            let from = at + "springBootVersion".len();
            quoted(&line[from..]).map(|(s, r)| (s, from + r.start..from + r.end))
        } else {
            None
        };
        if let Some((value, range)) = found
            && let Some(version) = release(value)
        {
            return Some((version, span_of(offset + range.start..offset + range.end)));
        }
    }
    None
}

/// `org.springframework.boot:spring-boot-starter-X` dependencies.
fn gradle_starters(text: &str) -> Vec<(String, Span)> {
    const PREFIX: &str = "org.springframework.boot:";
    let mut starters = Vec::new();
    for (offset, line) in code_lines(text) {
        for (at, _) in line.match_indices(PREFIX) {
            let from = at + PREFIX.len();
            let end =
                line[from..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).map_or(line.len(), |i| from + i);
            let artifact = &line[from..end];
            if artifact.starts_with("spring-boot-starter-") {
                starters.push((artifact.to_owned(), span_of(offset + from..offset + end)));
            }
        }
    }
    starters
}

/// The server the starters select: Jetty or Undertow when their starter is
/// present (they replace Tomcat), Reactor Netty for `WebFlux` without a
/// servlet starter, Tomcat for the servlet starters; `None` without any.
fn embedded_server(starters: &[(String, Span)]) -> Option<(EmbeddedServer, Span)> {
    let find = |names: &[&str]| starters.iter().find(|(a, _)| names.contains(&a.as_str())).map(|(_, s)| *s);
    let servlet = find(&["spring-boot-starter-web", "spring-boot-starter-webmvc", "spring-boot-starter-tomcat"]);
    if let Some(span) = find(&["spring-boot-starter-jetty"]) {
        Some((EmbeddedServer::Jetty, span))
    } else if let Some(span) = find(&["spring-boot-starter-undertow"]) {
        Some((EmbeddedServer::Undertow, span))
    } else if let (Some(span), None) = (find(&["spring-boot-starter-webflux"]), servlet) {
        Some((EmbeddedServer::Netty, span))
    } else {
        servlet.map(|span| (EmbeddedServer::Tomcat, span))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn build(path: &str, text: &str) -> SpringBuild {
        read_build_file(FileId(4), &SourceFile::new(PathBuf::from(path), text.as_bytes().to_vec()))
    }

    #[test]
    fn releases() {
        assert_eq!(release("3.3.1"), Some(Version::new(3, 3, 1)));
        assert_eq!(release("2.3.0.RELEASE"), Some(Version::new(2, 3, 0)));
        assert_eq!(release("3.4.0-M1"), Some(Version::new(3, 4, 0)));
        assert_eq!(release("3.3"), Some(Version::new(3, 3, 0)));
        assert_eq!(release("${v}"), None);
        assert_eq!(release("3"), None);
    }

    #[test]
    fn maven() {
        let pom = r#"<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
    <version> 3.3.4 </version></parent>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
  </dependencies>
</project>"#;
        let b = build("pom.xml", pom);
        let version = b.version.unwrap();
        assert_eq!(version.version, Version::new(3, 3, 4));
        assert_eq!(version.span.text(pom), "3.3.4");
        assert_eq!(b.server.value, Some(EmbeddedServer::Tomcat));
        let property = r"<project><properties><spring-boot.version>3.2.1</spring-boot.version></properties>
  <dependencyManagement><dependencies><dependency><artifactId>spring-boot-dependencies</artifactId><version>${spring-boot.version}</version></dependency>
  <dependency><artifactId>spring-boot-starter-jetty</artifactId></dependency></dependencies></dependencyManagement>
  <dependencies><dependency><artifactId>spring-boot-starter-webflux</artifactId></dependency></dependencies></project>";
        let b = build("pom.xml", property);
        assert_eq!(b.version.unwrap().span.text(property), "3.2.1");
        assert_eq!(b.server.value, Some(EmbeddedServer::Netty));
    }

    #[test]
    fn gradle() {
        let groovy = "plugins {\n  // id 'org.springframework.boot' version '1.0.0'\n  id 'org.springframework.boot' version '3.2.0'\n}\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web'\n  implementation 'org.springframework.boot:spring-boot-starter-undertow'\n}\n";
        let b = build("build.gradle", groovy);
        assert_eq!(b.version.unwrap().span.text(groovy), "3.2.0");
        assert_eq!(b.server.value, Some(EmbeddedServer::Undertow));
        let crate::model::setting::Origin::Explicit { span, .. } = b.server.origin else { panic!() };
        assert_eq!(span.text(groovy), "spring-boot-starter-undertow");
        let kts = "plugins { id(\"org.springframework.boot\") version \"3.3.1\" }\n";
        assert_eq!(build("build.gradle.kts", kts).version.unwrap().version, Version::new(3, 3, 1));
        let legacy =
            "buildscript { dependencies { classpath(\"org.springframework.boot:spring-boot-gradle-plugin:2.7.18\") } }";
        assert_eq!(build("build.gradle", legacy).version.unwrap().span.text(legacy), "2.7.18");
        let none = build("build.gradle", "dependencies { implementation 'com.example:lib:1.0' }");
        assert!(none.version.is_none());
        assert!(!none.server.is_explicit());
    }

    #[test]
    fn nearest_build_file() {
        let candidates = [
            (FileId(1), Path::new("pom.xml")),
            (FileId(2), Path::new("svc/pom.xml")),
            (FileId(3), Path::new("other/pom.xml")),
        ];
        assert_eq!(build_file_for(Path::new("svc/src/main/resources"), candidates), Some(FileId(2)));
        assert_eq!(build_file_for(Path::new("lib/src/main/resources"), candidates), Some(FileId(1)));
    }
}
