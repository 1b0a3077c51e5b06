//! `hoplint check`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use crate::check::{CheckOptions, ConfigChoice, Report, RunError, check};
use crate::cli::{CheckArgs, ColorChoice, OutputFormat, ProjectArgs};
use crate::fix::Applicability;
use crate::fix_engine;
use crate::report;

/// Builds the options shared by every command from the common arguments;
/// reads standard input for `-`. Problems go into the returned errors.
pub fn options(args: &ProjectArgs) -> (CheckOptions, Vec<RunError>) {
    let mut options = CheckOptions {
        config: match (&args.config, args.no_config) {
            (Some(path), _) => ConfigChoice::File(path.clone()),
            (None, true) => ConfigChoice::None,
            (None, false) => ConfigChoice::Discover,
        },
        nginx_version: args.nginx_version.clone(),
        ingress_nginx_version: args.ingress_nginx_version.clone(),
        backend_versions: args.backend_versions.clone(),
        ..CheckOptions::default()
    };
    let mut errors = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
                errors.push(RunError { file: None, message: format!("cannot read standard input: {err}") });
            }
            let name = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"));
            options.stdin = Some((name, bytes));
        } else {
            options.paths.push(path.clone());
        }
    }
    if args.stdin_filename.is_some() && options.stdin.is_none() {
        errors.push(RunError { file: None, message: "--stdin-filename needs `-` among the paths".to_owned() });
    }
    (options, errors)
}

/// Runs the check and prints the report; returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let (mut options, early_errors) = options(&args.project);
    options.select.clone_from(&args.select);
    options.extend_select.clone_from(&args.extend_select);
    options.ignore.clone_from(&args.ignore);
    options.fail_on = args.fail_on;
    if args.fix || args.diff {
        return run_fixes(&options, early_errors, args);
    }
    let mut report = check(&options);
    report.errors.extend(early_errors);
    report.errors.sort();
    print(&report, args);
    report.exit_code(args.exit_zero)
}

/// `--fix` / `--diff`: fix until stable; write the files (or print the diff);
/// report what remains.
fn run_fixes(options: &CheckOptions, early_errors: Vec<RunError>, args: &CheckArgs) -> u8 {
    let level = if args.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe };
    let outcome = fix_engine::fix(options, level);
    let mut report = outcome.report;
    report.errors.extend(early_errors);
    report.notes.extend(outcome.notes);
    report.notes.sort();
    let files = outcome.changes.len();
    let mut stderr = std::io::stderr().lock();
    if args.diff {
        let _ = std::io::stdout().lock().write_all(fix_engine::diff(&outcome.changes).as_bytes());
        let _ = writeln!(stderr, "Would fix {} problem(s) in {files} file(s).", outcome.applied);
        for error in &report.errors {
            let _ = writeln!(stderr, "error: {}", error.message);
        }
        return if report.errors.is_empty() { u8::from(files > 0) } else { 2 };
    }
    report.errors.extend(fix_engine::write(&outcome.changes, &report.root));
    report.errors.sort();
    drop(stderr);
    print(&report, args);
    if !args.quiet && outcome.applied > 0 {
        let _ = writeln!(std::io::stderr().lock(), "Fixed {} problem(s) in {files} file(s).", outcome.applied);
    }
    report.exit_code(args.exit_zero)
}

fn print(report: &Report, args: &CheckArgs) {
    let stdout = std::io::stdout();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let body = match args.format {
        OutputFormat::Json => report::json::render(report),
        OutputFormat::Concise => report::concise::render(report),
        OutputFormat::Text if args.quiet => report::text::render(report, color),
        OutputFormat::Text => report::text::render(report, color) + &report::text::summary(report),
    };
    let _ = stdout.lock().write_all(body.as_bytes());
    if args.format != OutputFormat::Json {
        let mut stderr = std::io::stderr().lock();
        for error in &report.errors {
            let prefix = error.file.as_deref().map(|f| format!("{f}: ")).unwrap_or_default();
            let _ = writeln!(stderr, "error: {prefix}{}", error.message);
        }
        if !args.quiet {
            for note in &report.notes {
                let place = match (&note.file, note.line) {
                    (Some(f), Some(l)) => format!("{f}:{l}: "),
                    (Some(f), None) => format!("{f}: "),
                    _ => String::new(),
                };
                let _ = writeln!(stderr, "note: {place}{}", note.message);
            }
        }
    }
}
