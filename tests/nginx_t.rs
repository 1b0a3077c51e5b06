//! Differential test: hoplint's NG002 (unknown directive / directive not
//! allowed in this context / wrong number of arguments) against the real
//! `nginx -t`.
//!
//! Every `tests/fixtures/nginx_t/*.conf` starts with `# context: main|http|
//! server|location`. For each fixture the test copies it into a temporary
//! prefix, writes an `nginx.conf` wrapper that `include`s the copy in that
//! context, and runs `nginx -t` on it. nginx is the oracle; no fixture has a
//! hard-coded expectation:
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

struct Fixture {
    name: String,
    path: PathBuf,
    ctx: Ctx,
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
    Ng002 { kind: Ng002Kind, directive: String, line: u32 },
    Other(String),
}

impl fmt::Display for NginxVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NginxVerdict::Ok => write!(f, "ok"),
            NginxVerdict::Ng002 { kind, directive, line } => {
                write!(f, "line {line}: {} \"{directive}\"", kind.label())
            }
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

/// Turns nginx's exit status and stderr into a verdict for `fixture`.
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
    match (in_fixture, first.line, ng002_kind(&first.text)) {
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

#[derive(Debug)]
struct Ng002Diag {
    line: u64,
    is_error: bool,
    message: String,
}

#[derive(Debug)]
enum HoplintVerdict {
    /// hoplint ran and printed its JSON report.
    Report { ng002: Vec<Ng002Diag>, errors: Vec<String> },
    /// hoplint crashed or printed something that is not its JSON report.
    Broken(String),
}

impl fmt::Display for HoplintVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoplintVerdict::Broken(msg) => write!(f, "BROKEN: {msg}"),
            HoplintVerdict::Report { ng002, errors } => {
                let mut parts: Vec<String> = ng002
                    .iter()
                    .map(|d| {
                        let sev = if d.is_error { "" } else { " (non-error)" };
                        format!("NG002 line {}{sev}: {}", d.line, truncate(&d.message, 70))
                    })
                    .collect();
                parts.extend(errors.iter().map(|e| format!("error: {}", truncate(e, 70))));
                if parts.is_empty() { write!(f, "no NG002") } else { write!(f, "{}", parts.join("; ")) }
            }
        }
    }
}

fn run_hoplint(fixture_copy: &Path) -> HoplintVerdict {
    let output = Command::cargo_bin("hoplint")
        .expect("the hoplint binary is not built")
        .args(["check", "--no-config", "--nginx-version", NGINX_VERSION])
        .args(["--format", "json", "--select", "NG002"])
        .arg(fixture_copy)
        .output()
        .expect("cannot run hoplint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(json) => parse_hoplint_report(&json),
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

fn parse_hoplint_report(json: &Value) -> HoplintVerdict {
    let Some(diags) = json.get("diagnostics").and_then(Value::as_array) else {
        return HoplintVerdict::Broken(format!("no \"diagnostics\" array in {}", one_line(&json.to_string())));
    };
    let mut ng002 = Vec::new();
    for diag in diags {
        if diag.get("code").and_then(Value::as_str) != Some("NG002") {
            continue;
        }
        let Some(line) = diag.get("line").and_then(Value::as_u64) else {
            return HoplintVerdict::Broken(format!("NG002 without a numeric \"line\": {diag}"));
        };
        // A diagnostic without a severity counts as an error.
        let is_error = diag.get("severity").and_then(Value::as_str).is_none_or(|s| s.eq_ignore_ascii_case("error"));
        let message = diag.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
        ng002.push(Ng002Diag { line, is_error, message });
    }
    let errors = json
        .get("errors")
        .and_then(Value::as_array)
        .map(|errs| errs.iter().map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned)).collect())
        .unwrap_or_default();
    HoplintVerdict::Report { ng002, errors }
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// Why hoplint disagrees with nginx, if it does.
fn disagreement(nginx: &NginxVerdict, hoplint: &HoplintVerdict) -> Option<String> {
    let HoplintVerdict::Report { ng002, errors } = hoplint else {
        return Some("hoplint did not produce a report".to_owned());
    };
    match nginx {
        NginxVerdict::Ng002 { line, .. } => {
            if ng002.iter().any(|d| d.line == u64::from(*line)) {
                None
            } else if !errors.is_empty() {
                Some(format!("expected NG002 at line {line}; hoplint reported errors instead"))
            } else {
                Some(format!("expected NG002 at line {line}"))
            }
        }
        NginxVerdict::Ok => {
            let lines: Vec<String> = ng002.iter().filter(|d| d.is_error).map(|d| d.line.to_string()).collect();
            if !lines.is_empty() {
                Some(format!("nginx accepts it; hoplint NG002 error at line {}", lines.join(",")))
            } else if !errors.is_empty() {
                Some("nginx accepts it; hoplint could not check it".to_owned())
            } else {
                None
            }
        }
        // Not an NG002 matter: reported, never asserted on.
        NginxVerdict::Other(_) => None,
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
fn ng002_agrees_with_nginx_t() {
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
    let (mut nginx_ok, mut nginx_ng002) = (0usize, 0usize);
    for fixture in &fixtures {
        let sandbox = Sandbox::new(fixture);
        let nginx_verdict = run_nginx(&nginx, supports_e, &sandbox);
        let hoplint_verdict = run_hoplint(&sandbox.fixture_copy);
        match nginx_verdict {
            NginxVerdict::Ok => nginx_ok += 1,
            NginxVerdict::Ng002 { .. } => nginx_ng002 += 1,
            NginxVerdict::Other(_) => {}
        }
        let row = |problem: String| Row {
            fixture: fixture.name.clone(),
            ctx: fixture.ctx,
            nginx: nginx_verdict.to_string(),
            hoplint: hoplint_verdict.to_string(),
            problem,
        };
        if let Some(problem) = disagreement(&nginx_verdict, &hoplint_verdict) {
            mismatches.push(row(problem));
        } else if matches!(nginx_verdict, NginxVerdict::Other(_)) {
            others.push(row("not an NG002 matter (not compared)".to_owned()));
        }
    }

    println!(
        "{} fixtures with {}: {nginx_ok} accepted, {nginx_ng002} NG002-kind errors, {} other",
        fixtures.len(),
        nginx.display(),
        others.len()
    );
    if !others.is_empty() {
        println!("fixtures nginx rejected for other reasons:\n{}", render_table(&others));
    }
    assert!(
        fixtures.len() >= MIN_FIXTURES,
        "only {} fixtures in {} (want at least {MIN_FIXTURES})",
        fixtures.len(),
        fixture_dir().display()
    );
    // Guards against a broken harness turning every verdict into "other".
    assert!(
        nginx_ok > 0 && nginx_ng002 > 0,
        "nginx accepted {nginx_ok} and rejected {nginx_ng002} fixtures with an NG002-kind \
         error; the wrapper is probably broken:\n{}",
        render_table(&others)
    );
    assert!(
        mismatches.is_empty(),
        "hoplint NG002 disagrees with nginx -t ({}) on {} of {} fixtures:\n{}",
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
