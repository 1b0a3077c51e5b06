//! Differential test: hoplint's NG002 (unknown directive / directive not
//! allowed in this context / wrong number of arguments) and NG001 (syntax
//! errors) against the real `nginx -t`.
//!
//! Every `tests/fixtures/nginx_t/*.conf` starts with `# context: main|http|
//! server|location`. For each fixture the test copies it into a temporary
//! prefix, writes an `nginx.conf` wrapper that `include`s the copy in that
//! context, and runs `nginx -t` on it. nginx is the oracle; no fixture has a
//! hard-coded expectation.
//!
//! Fixtures named `syntax_*` hold one syntax error each; hoplint runs on them
//! with `--select NG001,NG002`:
//!
//! * nginx reports a syntax-kind `[emerg]` (`unexpected ...`, `directive "X"
//!   is not terminated by ";"`, `directive "X" has no opening "{"`, or
//!   `invalid number of arguments`, which a forgotten `;` causes) or an
//!   NG002-kind one at line L of the fixture → hoplint must report an NG001
//!   or NG002 at line L (follow-on diagnostics elsewhere are allowed), and at
//!   least one NG001 when nginx's message starts with `unexpected`;
//! * nginx accepts the configuration → hoplint must report no NG001/NG002 of
//!   error severity (and the fixture is listed as not being a syntax error).
//!
//! All other fixtures run with `--select NG002`:
//!
//! * nginx reports an NG002-kind `[emerg]` at line L of the fixture →
//!   hoplint must report an NG002 at line L;
//! * nginx accepts the configuration → hoplint must report no NG002 of
//!   error severity.
//!
//! Other nginx errors are listed but not asserted on. The test is skipped
//! when nginx is not installed, unless `HOPLINT_REQUIRE_TOOLS=1`.

use std::env;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

/// The nginx version the fixtures were written against; passed to hoplint.
const NGINX_VERSION: &str = "1.22.1";
/// Fewer fixtures than this means the fixture directory went missing.
const MIN_FIXTURES: usize = 30;
/// Port of the wrapper's own `server`; fixtures use other ports.
const WRAPPER_LISTEN: &str = "127.0.0.1:8080";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nginx_t")
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// Where a fixture is meant to be included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Main,
    Http,
    Server,
    Location,
}

impl Ctx {
    fn parse(s: &str) -> Option<Ctx> {
        match s {
            "main" => Some(Ctx::Main),
            "http" => Some(Ctx::Http),
            "server" => Some(Ctx::Server),
            "location" => Some(Ctx::Location),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ctx::Main => "main",
            Ctx::Http => "http",
            Ctx::Server => "server",
            Ctx::Location => "location",
        }
    }
}

/// Name prefix of the fixtures that hold a syntax error (compared with NG001
/// and NG002 instead of NG002 alone).
const SYNTAX_PREFIX: &str = "syntax_";

struct Fixture {
    name: String,
    path: PathBuf,
    ctx: Ctx,
}

impl Fixture {
    fn is_syntax(&self) -> bool {
        is_syntax_fixture(&self.name)
    }
}

fn is_syntax_fixture(name: &str) -> bool {
    name.starts_with(SYNTAX_PREFIX)
}

/// All fixtures, sorted by name. Panics on an unreadable directory or a
/// fixture without a valid `# context:` first line.
fn load_fixtures() -> Vec<Fixture> {
    let dir = fixture_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read fixture dir {}: {e}", dir.display()));
    let mut fixtures: Vec<Fixture> = entries
        .map(|entry| entry.expect("cannot read fixture dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "conf"))
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let ctx = context_header(&text).unwrap_or_else(|| {
                panic!("{}: first line must be `# context: main|http|server|location`", path.display())
            });
            let name = path.file_name().expect("fixture path has a file name").to_string_lossy().into_owned();
            Fixture { name, path, ctx }
        })
        .collect();
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    fixtures
}

/// The context named by the `# context: X` first line.
fn context_header(text: &str) -> Option<Ctx> {
    let first = text.lines().next()?;
    let rest = first.trim().strip_prefix('#')?.trim_start();
    let value = rest.strip_prefix("context:")?.trim();
    Ctx::parse(value)
}

// ---------------------------------------------------------------------------
// Locating nginx
// ---------------------------------------------------------------------------

/// `nginx` from PATH, else the usual Debian / source-install locations.
fn find_nginx() -> Option<PathBuf> {
    let from_path = env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).map(|dir| dir.join("nginx")).collect::<Vec<_>>())
        .unwrap_or_default();
    let fallbacks = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"];
    from_path.into_iter().chain(fallbacks.iter().map(PathBuf::from)).find(|candidate| candidate.is_file())
}

/// Whether this nginx understands `-e` (added in 1.19.5).
fn nginx_supports_e_flag(nginx: &Path) -> bool {
    let output =
        StdCommand::new(nginx).arg("-h").output().unwrap_or_else(|e| panic!("cannot run {} -h: {e}", nginx.display()));
    // nginx prints its help on stderr.
    let help = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    help.contains("-e filename")
}

// ---------------------------------------------------------------------------
// Running nginx -t
// ---------------------------------------------------------------------------

/// The three nginx messages NG002 covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ng002Kind {
    UnknownDirective,
    NotAllowedHere,
    InvalidArgCount,
}

impl Ng002Kind {
    fn label(self) -> &'static str {
        match self {
            Ng002Kind::UnknownDirective => "unknown directive",
            Ng002Kind::NotAllowedHere => "not allowed here",
            Ng002Kind::InvalidArgCount => "invalid number of arguments",
        }
    }
}

/// An nginx `[emerg]` message split into its text and `in FILE:LINE` location.
#[derive(Debug)]
struct Emerg {
    text: String,
    file: Option<String>,
    line: Option<u32>,
}

#[derive(Debug)]
enum NginxVerdict {
    Ok,
    Ng002 {
        kind: Ng002Kind,
        directive: String,
        line: u32,
    },
    /// A syntax-kind error (see [`is_syntax_message`]); `message` is nginx's text.
    Syntax {
        message: String,
        line: u32,
    },
    Other(String),
}

impl fmt::Display for NginxVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NginxVerdict::Ok => write!(f, "ok"),
            NginxVerdict::Ng002 { kind, directive, line } => {
                write!(f, "line {line}: {} \"{directive}\"", kind.label())
            }
            NginxVerdict::Syntax { message, line } => write!(f, "line {line}: {}", truncate(message, 70)),
            NginxVerdict::Other(msg) => write!(f, "other error: {msg}"),
        }
    }
}

/// A temporary nginx prefix holding the wrapper and a copy of one fixture.
struct Sandbox {
    dir: tempfile::TempDir,
    fixture_copy: PathBuf,
    conf: PathBuf,
}

impl Sandbox {
    fn new(fixture: &Fixture) -> Sandbox {
        let dir = tempfile::Builder::new().prefix("hoplint-nginx-t-").tempdir().expect("cannot create temp dir");
        // nginx wants a writable logs/ under its prefix at startup.
        fs::create_dir(dir.path().join("logs")).expect("cannot create logs dir");
        let fixture_copy = dir.path().join(&fixture.name);
        fs::copy(&fixture.path, &fixture_copy)
            .unwrap_or_else(|e| panic!("cannot copy {}: {e}", fixture.path.display()));
        let conf = dir.path().join("nginx.conf");
        fs::write(&conf, wrapper_conf(dir.path(), &fixture_copy, fixture.ctx))
            .expect("cannot write wrapper nginx.conf");
        Sandbox { dir, fixture_copy, conf }
    }

    fn prefix(&self) -> &Path {
        self.dir.path()
    }
}

/// The `nginx.conf` that includes `fixture` in `ctx`. The include keeps the
/// fixture's own name and line numbers in nginx's messages.
fn wrapper_conf(prefix: &Path, fixture: &Path, ctx: Ctx) -> String {
    let include = format!("include \"{}\";", fixture.display());
    let body = match ctx {
        Ctx::Main => include,
        Ctx::Http => format!("http {{\n    access_log off;\n    {include}\n}}"),
        Ctx::Server => format!(
            "http {{\n    access_log off;\n    server {{\n        listen {WRAPPER_LISTEN};\n        \
             {include}\n    }}\n}}"
        ),
        Ctx::Location => format!(
            "http {{\n    access_log off;\n    server {{\n        listen {WRAPPER_LISTEN};\n        \
             location / {{\n            {include}\n        }}\n    }}\n}}"
        ),
    };
    format!("pid \"{}\";\nerror_log stderr;\nevents {{}}\n{body}\n", prefix.join("nginx.pid").display())
}

fn run_nginx(nginx: &Path, supports_e: bool, sandbox: &Sandbox) -> NginxVerdict {
    let mut cmd = StdCommand::new(nginx);
    cmd.arg("-t").arg("-q");
    if supports_e {
        cmd.arg("-e").arg("stderr");
    }
    // A trailing slash: nginx joins relative paths to the prefix verbatim.
    let mut prefix = sandbox.prefix().as_os_str().to_owned();
    prefix.push("/");
    cmd.arg("-p").arg(prefix).arg("-c").arg(&sandbox.conf);
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", nginx.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    classify_nginx(output.status.success(), &stderr, &sandbox.fixture_copy)
}

/// Turns nginx's exit status and stderr into a verdict for `fixture`. In a
/// `syntax_*` fixture an `invalid number of arguments` error is syntax-kind:
/// it is what a forgotten `;` before the next directive makes nginx say.
fn classify_nginx(success: bool, stderr: &str, fixture: &Path) -> NginxVerdict {
    let emergs: Vec<Emerg> = stderr.lines().filter_map(parse_emerg_line).collect();
    if success {
        return match emergs.first() {
            None => NginxVerdict::Ok,
            Some(e) => NginxVerdict::Other(format!("exit 0 but [emerg]: {}", e.text)),
        };
    }
    let Some(first) = emergs.first() else {
        return NginxVerdict::Other(format!("failed without [emerg]: {}", one_line(stderr)));
    };
    let fixture_str = fixture.to_string_lossy();
    let in_fixture = first.file.as_deref() == Some(fixture_str.as_ref());
    let syntax_fixture = fixture.file_name().is_some_and(|name| is_syntax_fixture(&name.to_string_lossy()));
    let kind = ng002_kind(&first.text);
    let syntax =
        is_syntax_message(&first.text) || (syntax_fixture && matches!(kind, Some((Ng002Kind::InvalidArgCount, _))));
    match (in_fixture, first.line, kind) {
        (true, Some(line), _) if syntax => NginxVerdict::Syntax { message: first.text.clone(), line },
        (true, Some(line), Some((kind, directive))) => NginxVerdict::Ng002 { kind, directive, line },
        (true, _, _) => NginxVerdict::Other(first.text.clone()),
        // An error outside the fixture is a harness problem (broken wrapper,
        // unwritable prefix, ...), never something to compare hoplint with.
        (false, _, _) => NginxVerdict::Other(format!(
            "outside the fixture: {} (in {})",
            first.text,
            first.file.as_deref().unwrap_or("?")
        )),
    }
}

/// `2024/01/01 00:00:00 [emerg] 12#12: MESSAGE in FILE:LINE` → MESSAGE, FILE, LINE.
/// Also accepts the `nginx: [emerg] MESSAGE` form nginx uses before its log is
/// open.
fn parse_emerg_line(line: &str) -> Option<Emerg> {
    let after = line.split_once("[emerg] ")?.1;
    // Strip the `PID#TID: ` prefix when there is one.
    let message = match after.split_once(": ") {
        Some((pid, rest)) if !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit() || c == '#') => rest,
        _ => after,
    };
    let (text, file, line_no) = match message.rsplit_once(" in ") {
        Some((text, location)) => match location.rsplit_once(':') {
            Some((file, num)) => match num.trim().parse::<u32>() {
                Ok(n) => (text, Some(file.to_owned()), Some(n)),
                Err(_) => (message, None, None),
            },
            None => (message, None, None),
        },
        None => (message, None, None),
    };
    Some(Emerg { text: text.to_owned(), file, line: line_no })
}

/// Recognises the three NG002 messages; returns the kind and the directive.
fn ng002_kind(text: &str) -> Option<(Ng002Kind, String)> {
    if let Some(rest) = text.strip_prefix("unknown directive \"") {
        let name = rest.strip_suffix('"')?;
        return Some((Ng002Kind::UnknownDirective, name.to_owned()));
    }
    if let Some(rest) = text.strip_prefix("invalid number of arguments in \"") {
        let name = rest.strip_suffix("\" directive")?;
        return Some((Ng002Kind::InvalidArgCount, name.to_owned()));
    }
    if let Some(rest) = text.strip_prefix('"') {
        let name = rest.strip_suffix("\" directive is not allowed here")?;
        return Some((Ng002Kind::NotAllowedHere, name.to_owned()));
    }
    None
}

/// nginx's tokenizer / block-shape messages: `unexpected "}"`, `unexpected
/// end of file, expecting ...`, `unexpected ";"`, `unexpected "{"`,
/// `unexpected "X"`, `directive "X" is not terminated by ";"` and `directive
/// "X" has no opening "{"`.
fn is_syntax_message(text: &str) -> bool {
    if text.starts_with("unexpected ") {
        return true;
    }
    let Some(rest) = text.strip_prefix("directive \"") else { return false };
    rest.ends_with("\" is not terminated by \";\"") || rest.ends_with("\" has no opening \"{\"")
}

fn one_line(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&joined, 160)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

// ---------------------------------------------------------------------------
// Running hoplint
// ---------------------------------------------------------------------------

/// The codes hoplint runs with on a fixture: NG001 and NG002 on `syntax_*`
/// fixtures, NG002 alone on the others.
fn selected_codes(syntax_fixture: bool) -> &'static [&'static str] {
    if syntax_fixture { &["NG001", "NG002"] } else { &["NG002"] }
}

#[derive(Debug)]
struct Diag {
    code: String,
    line: u64,
    is_error: bool,
    message: String,
}

#[derive(Debug)]
enum HoplintVerdict {
    /// hoplint ran and printed its JSON report; `diags` holds the diagnostics
    /// of the selected codes.
    Report { codes: &'static [&'static str], diags: Vec<Diag>, errors: Vec<String> },
    /// hoplint crashed or printed something that is not its JSON report.
    Broken(String),
}

impl fmt::Display for HoplintVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoplintVerdict::Broken(msg) => write!(f, "BROKEN: {msg}"),
            HoplintVerdict::Report { codes, diags, errors } => {
                let mut parts: Vec<String> = diags
                    .iter()
                    .map(|d| {
                        let sev = if d.is_error { "" } else { " (non-error)" };
                        format!("{} line {}{sev}: {}", d.code, d.line, truncate(&d.message, 70))
                    })
                    .collect();
                parts.extend(errors.iter().map(|e| format!("error: {}", truncate(e, 70))));
                if parts.is_empty() { write!(f, "no {}", codes.join("/")) } else { write!(f, "{}", parts.join("; ")) }
            }
        }
    }
}

fn run_hoplint(fixture_copy: &Path, syntax_fixture: bool) -> HoplintVerdict {
    let codes = selected_codes(syntax_fixture);
    let output = Command::cargo_bin("hoplint")
        .expect("the hoplint binary is not built")
        .args(["check", "--no-config", "--nginx-version", NGINX_VERSION])
        .args(["--format", "json", "--select", &codes.join(",")])
        .arg(fixture_copy)
        .output()
        .expect("cannot run hoplint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(json) => parse_hoplint_report(&json, codes),
        Err(e) => {
            let status = output.status.code().map_or_else(|| "signal".to_owned(), |c| c.to_string());
            HoplintVerdict::Broken(truncate(
                &format!(
                    "exit {status}, stdout not JSON ({e}); stdout: {:?}; stderr: {:?}",
                    one_line(&stdout),
                    one_line(&stderr)
                ),
                200,
            ))
        }
    }
}

fn parse_hoplint_report(json: &Value, codes: &'static [&'static str]) -> HoplintVerdict {
    let Some(diagnostics) = json.get("diagnostics").and_then(Value::as_array) else {
        return HoplintVerdict::Broken(format!("no \"diagnostics\" array in {}", one_line(&json.to_string())));
    };
    let mut diags = Vec::new();
    for diag in diagnostics {
        let Some(code) = diag.get("code").and_then(Value::as_str).filter(|c| codes.contains(c)) else {
            continue;
        };
        let Some(line) = diag.get("line").and_then(Value::as_u64) else {
            return HoplintVerdict::Broken(format!("{code} without a numeric \"line\": {diag}"));
        };
        // A diagnostic without a severity counts as an error.
        let is_error = diag.get("severity").and_then(Value::as_str).is_none_or(|s| s.eq_ignore_ascii_case("error"));
        let message = diag.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
        diags.push(Diag { code: code.to_owned(), line, is_error, message });
    }
    let errors = json
        .get("errors")
        .and_then(Value::as_array)
        .map(|errs| errs.iter().map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned)).collect())
        .unwrap_or_default();
    HoplintVerdict::Report { codes, diags, errors }
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// Why hoplint disagrees with nginx, if it does. `syntax_fixture` selects
/// the `syntax_*` rules (NG001 or NG002 at nginx's line); otherwise only
/// NG002 counts and syntax-kind nginx errors are not compared.
fn disagreement(nginx: &NginxVerdict, hoplint: &HoplintVerdict, syntax_fixture: bool) -> Option<String> {
    let HoplintVerdict::Report { codes, diags, errors } = hoplint else {
        return Some("hoplint did not produce a report".to_owned());
    };
    let wanted = codes.join(" or ");
    let lines_with = |code: Option<&str>| -> Vec<u64> {
        diags.iter().filter(|d| code.is_none_or(|c| d.code == c)).map(|d| d.line).collect()
    };
    let expect_at = |line: u32| -> Option<String> {
        if lines_with(None).contains(&u64::from(line)) {
            None
        } else if !errors.is_empty() {
            Some(format!("expected {wanted} at line {line}; hoplint reported errors instead"))
        } else {
            Some(format!("expected {wanted} at line {line}"))
        }
    };
    match nginx {
        NginxVerdict::Ng002 { line, .. } => expect_at(*line),
        NginxVerdict::Syntax { message, line } if syntax_fixture => expect_at(*line).or_else(|| {
            (message.starts_with("unexpected") && lines_with(Some("NG001")).is_empty())
                .then(|| format!("nginx reports `{}`; hoplint reported no NG001", truncate(message, 40)))
        }),
        NginxVerdict::Ok => {
            let lines: Vec<String> = diags.iter().filter(|d| d.is_error).map(|d| d.line.to_string()).collect();
            if !lines.is_empty() {
                Some(format!("nginx accepts it; hoplint {wanted} error at line {}", lines.join(",")))
            } else if !errors.is_empty() {
                Some("nginx accepts it; hoplint could not check it".to_owned())
            } else {
                None
            }
        }
        // A syntax error in a fixture not named `syntax_*`, or an error that
        // is neither NG001 nor NG002: reported, never asserted on.
        NginxVerdict::Syntax { .. } | NginxVerdict::Other(_) => None,
    }
}

struct Row {
    fixture: String,
    ctx: Ctx,
    nginx: String,
    hoplint: String,
    problem: String,
}

fn render_table(rows: &[Row]) -> String {
    let headers = ["fixture", "context", "nginx -t", "hoplint", "problem"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| [r.fixture.clone(), r.ctx.name().to_owned(), r.nginx.clone(), r.hoplint.clone(), r.problem.clone()])
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt_row = |row: &[String]| {
        row.iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    let mut out = fmt_row(&headers.map(str::to_owned));
    out.push('\n');
    out.push_str(&widths.map(|w| "-".repeat(w)).join("-+-"));
    for row in &cells {
        out.push('\n');
        out.push_str(&fmt_row(row));
    }
    out
}

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

#[test]
fn ng001_ng002_agree_with_nginx_t() {
    let Some(nginx) = find_nginx() else {
        assert!(
            env::var("HOPLINT_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "nginx not installed, but HOPLINT_REQUIRE_TOOLS=1"
        );
        println!("skipping: nginx not installed");
        return;
    };
    let supports_e = nginx_supports_e_flag(&nginx);
    let fixtures = load_fixtures();

    let mut mismatches = Vec::new();
    let mut others = Vec::new();
    let (mut nginx_ok, mut nginx_ng002, mut nginx_syntax) = (0usize, 0usize, 0usize);
    for fixture in &fixtures {
        let syntax_fixture = fixture.is_syntax();
        let sandbox = Sandbox::new(fixture);
        let nginx_verdict = run_nginx(&nginx, supports_e, &sandbox);
        let hoplint_verdict = run_hoplint(&sandbox.fixture_copy, syntax_fixture);
        match nginx_verdict {
            NginxVerdict::Ok => nginx_ok += 1,
            NginxVerdict::Ng002 { .. } => nginx_ng002 += 1,
            NginxVerdict::Syntax { .. } if syntax_fixture => nginx_syntax += 1,
            NginxVerdict::Syntax { .. } | NginxVerdict::Other(_) => {}
        }
        let row = |problem: String| Row {
            fixture: fixture.name.clone(),
            ctx: fixture.ctx,
            nginx: nginx_verdict.to_string(),
            hoplint: hoplint_verdict.to_string(),
            problem,
        };
        if let Some(problem) = disagreement(&nginx_verdict, &hoplint_verdict, syntax_fixture) {
            mismatches.push(row(problem));
        } else {
            match nginx_verdict {
                NginxVerdict::Other(_) => others.push(row("not an NG001/NG002 matter (not compared)".to_owned())),
                NginxVerdict::Syntax { .. } if !syntax_fixture => {
                    others.push(row(format!("syntax error in a fixture not named {SYNTAX_PREFIX}* (not compared)")));
                }
                NginxVerdict::Ok if syntax_fixture => {
                    others.push(row("nginx accepts this syntax_* fixture: not a syntax error".to_owned()));
                }
                _ => {}
            }
        }
    }

    println!(
        "{} fixtures with {}: {nginx_ok} accepted, {nginx_ng002} NG002-kind errors, {nginx_syntax} syntax errors \
         in syntax_* fixtures, {} other",
        fixtures.len(),
        nginx.display(),
        others.len()
    );
    if !others.is_empty() {
        println!("fixtures not compared:\n{}", render_table(&others));
    }
    assert!(
        fixtures.len() >= MIN_FIXTURES,
        "only {} fixtures in {} (want at least {MIN_FIXTURES})",
        fixtures.len(),
        fixture_dir().display()
    );
    // Guards against a broken harness turning every verdict into "other".
    assert!(
        nginx_ok > 0 && nginx_ng002 > 0 && nginx_syntax > 0,
        "nginx accepted {nginx_ok} fixtures, rejected {nginx_ng002} with an NG002-kind error and \
         {nginx_syntax} syntax_* fixtures with a syntax error; the wrapper is probably broken:\n{}",
        render_table(&others)
    );
    assert!(
        mismatches.is_empty(),
        "hoplint NG001/NG002 disagrees with nginx -t ({}) on {} of {} fixtures:\n{}",
        nginx.display(),
        mismatches.len(),
        fixtures.len(),
        render_table(&mismatches)
    );
}

// ---------------------------------------------------------------------------
// Unit tests of the nginx-output parsing
// ---------------------------------------------------------------------------

#[test]
fn parses_nginx_emerg_lines() {
    let f = Path::new("/tmp/x/a.conf");
    let cases = [
        (
            "2026/01/01 00:00:00 [emerg] 1#1: unknown directive \"proxy_read_timout\" in /tmp/x/a.conf:4",
            Ng002Kind::UnknownDirective,
            "proxy_read_timout",
            4,
        ),
        (
            "2026/01/01 00:00:00 [emerg] 1#1: \"keepalive\" directive is not allowed here in /tmp/x/a.conf:5",
            Ng002Kind::NotAllowedHere,
            "keepalive",
            5,
        ),
        (
            "nginx: [emerg] invalid number of arguments in \"gzip\" directive in /tmp/x/a.conf:2",
            Ng002Kind::InvalidArgCount,
            "gzip",
            2,
        ),
    ];
    for (stderr, kind, name, line) in cases {
        match classify_nginx(false, stderr, f) {
            NginxVerdict::Ng002 { kind: k, directive, line: l } => {
                assert_eq!((k, directive.as_str(), l), (kind, name, line), "{stderr}");
            }
            other => panic!("{stderr}: classified as {other:?}"),
        }
    }
    let other = "2026/01/01 00:00:00 [emerg] 1#1: host not found in upstream \"x\" in /tmp/x/a.conf:3";
    assert!(matches!(classify_nginx(false, other, f), NginxVerdict::Other(_)));
    let wrapper = "2026/01/01 00:00:00 [emerg] 1#1: unknown directive \"x\" in /tmp/x/nginx.conf:3";
    assert!(matches!(classify_nginx(false, wrapper, f), NginxVerdict::Other(_)));
    assert!(matches!(classify_nginx(true, "", f), NginxVerdict::Ok));
    assert!(matches!(classify_nginx(false, "segfault", f), NginxVerdict::Other(_)));
}

#[test]
fn reads_context_headers() {
    assert_eq!(context_header("# context: http\nserver {}\n"), Some(Ctx::Http));
    assert_eq!(context_header("#context:location"), Some(Ctx::Location));
    assert_eq!(context_header("# context: stream"), None);
    assert_eq!(context_header("server {}\n# context: http"), None);
}

#[test]
fn classifies_nginx_syntax_errors() {
    let f = Path::new("/tmp/x/syntax_a.conf");
    let emerg = |msg: &str| format!("2026/01/01 00:00:00 [emerg] 1#1: {msg} in /tmp/x/syntax_a.conf:7");
    let syntax = [
        "unexpected \"}\"",
        "unexpected end of file, expecting \"}\"",
        "unexpected end of file, expecting \";\" or \"}\"",
        "unexpected \";\"",
        "unexpected \"{\"",
        "unexpected \"b\"",
        "directive \"root\" is not terminated by \";\"",
        "directive \"location\" has no opening \"{\"",
        // A forgotten ";" before the next directive, in a syntax_* fixture.
        "invalid number of arguments in \"root\" directive",
    ];
    for msg in syntax {
        match classify_nginx(false, &emerg(msg), f) {
            NginxVerdict::Syntax { message, line } => assert_eq!((message.as_str(), line), (msg, 7)),
            other => panic!("{msg}: classified as {other:?}"),
        }
    }
    let unknown = emerg("unknown directive \"2}$\"");
    assert!(matches!(classify_nginx(false, &unknown, f), NginxVerdict::Ng002 { line: 7, .. }));
    let other = emerg("host not found in upstream \"x\"");
    assert!(matches!(classify_nginx(false, &other, f), NginxVerdict::Other(_)));

    // Outside syntax_* fixtures a wrong argument count stays NG002-kind.
    let plain = Path::new("/tmp/x/a.conf");
    let args = "nginx: [emerg] invalid number of arguments in \"root\" directive in /tmp/x/a.conf:3";
    assert!(matches!(classify_nginx(false, args, plain), NginxVerdict::Ng002 { line: 3, .. }));
    let brace = "nginx: [emerg] unexpected \"}\" in /tmp/x/a.conf:3";
    assert!(matches!(classify_nginx(false, brace, plain), NginxVerdict::Syntax { line: 3, .. }));
}

#[test]
fn compares_syntax_fixtures_with_ng001_and_ng002() {
    let report = |diags: &[(&str, u64)]| HoplintVerdict::Report {
        codes: selected_codes(true),
        diags: diags
            .iter()
            .map(|&(code, line)| Diag { code: code.to_owned(), line, is_error: true, message: String::new() })
            .collect(),
        errors: Vec::new(),
    };
    let syntax = |message: &str, line| NginxVerdict::Syntax { message: message.to_owned(), line };
    let brace = syntax("unexpected \"}\"", 4);
    // nginx's line among hoplint's NG001/NG002 lines; follow-on errors are fine.
    assert_eq!(disagreement(&brace, &report(&[("NG001", 4), ("NG001", 9)]), true), None);
    assert!(disagreement(&brace, &report(&[("NG001", 3)]), true).is_some());
    // `unexpected ...` needs an NG001 somewhere.
    assert!(disagreement(&brace, &report(&[("NG002", 4)]), true).is_some());
    assert_eq!(disagreement(&brace, &report(&[("NG002", 4), ("NG001", 6)]), true), None);
    // Other syntax-kind messages accept either code.
    let unterminated = syntax("directive \"root\" is not terminated by \";\"", 3);
    assert_eq!(disagreement(&unterminated, &report(&[("NG002", 3)]), true), None);
    let args = syntax("invalid number of arguments in \"root\" directive", 3);
    assert_eq!(disagreement(&args, &report(&[("NG001", 3)]), true), None);
    assert!(disagreement(&args, &report(&[("NG002", 2)]), true).is_some());
    // Accepted by nginx: no NG001/NG002 error allowed.
    assert!(disagreement(&NginxVerdict::Ok, &report(&[("NG001", 2)]), true).is_some());
    assert_eq!(disagreement(&NginxVerdict::Ok, &report(&[]), true), None);
    // In other fixtures a syntax-kind nginx error is not compared.
    assert_eq!(disagreement(&brace, &report(&[]), false), None);
}
