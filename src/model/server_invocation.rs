//! Which backend server a command line starts, and with which arguments:
//! `gunicorn …`, `python -m uvicorn …`, `exec hypercorn …`,
//! `sh -c "cd /app && exec gunicorn …"`, `bundle exec puma …`, behind
//! process wrappers (`env`, `tini`, `gosu`, `poetry run`…). Shell strings
//! are split into simple commands and read, never run.

use crate::knowledge::servers::Server;
use crate::model::command::{CommandLine, EnvVar, Form, Word, split_shell};
use crate::model::procfile::commands_in_text;
use crate::span::Span;

/// A server found in a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInvocation {
    pub server: Server,
    /// The word naming the server (`gunicorn`, or the module after `python -m`).
    pub program: Word,
    /// The server's arguments (shell operators and redirections removed).
    pub args: Vec<Word>,
    /// Variables set for the server on the command line (`VAR=value gunicorn`,
    /// `env VAR=value …`).
    pub env: Vec<EnvVar>,
    /// Started by `exec`, replacing the shell.
    pub exec: bool,
    /// Found inside a shell string (a shell-form command or `sh -c "…"`),
    /// so a shell runs it.
    pub via_shell: bool,
}

/// The server a command line starts, if it starts one hoplint models.
pub fn detect_server(cmd: &CommandLine) -> Option<ServerInvocation> {
    let shell = cmd.form == Form::Shell;
    let context = Context { cmd, depth: 0 };
    if shell {
        simple_commands(&cmd.words).into_iter().find_map(|words| context.resolve(&words, true))
    } else {
        context.resolve(&cmd.words, false)
    }
}

/// `sh -c` inside `sh -c` deeper than this is not followed.
const MAX_SHELL_NESTING: usize = 4;

struct Context<'c> {
    cmd: &'c CommandLine,
    depth: usize,
}

impl Context<'_> {
    /// Reads one simple command: wrappers and assignments are skipped until
    /// a server (or a shell running a string) is found.
    fn resolve(&self, words: &[Word], in_shell: bool) -> Option<ServerInvocation> {
        let mut env = Vec::new();
        let mut exec = false;
        // `env NAME=value cmd` sets variables outside a shell too.
        let mut after_env = false;
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            if (in_shell || after_env)
                && let Some(var) = self.assignment(word)
            {
                env.push(var);
                i += 1;
                continue;
            }
            let name = word.text.rsplit('/').next().unwrap_or(&word.text);
            if let Some(server) = server_program(name, words.get(i + 1..).unwrap_or_default()) {
                let args = if in_shell { strip_redirections(&words[i + 1..]) } else { words[i + 1..].to_vec() };
                return Some(ServerInvocation { server, program: word.clone(), args, env, exec, via_shell: in_shell });
            }
            i += match name {
                "exec" => {
                    exec = true;
                    1 + options(&words[i + 1..], &["-a"])
                }
                "env" => {
                    after_env = true;
                    1 + env_options(&words[i + 1..])
                }
                "nohup" | "setsid" | "time" | "ddtrace-run" | "catatonit" => 1 + options(&words[i + 1..], &[]),
                "nice" => 1 + options(&words[i + 1..], &["-n"]),
                "tini" | "tini-static" => 1 + options(&words[i + 1..], &["-p", "-e"]),
                "dumb-init" => 1 + options(&words[i + 1..], &["-r", "--rewrite"]),
                "gosu" | "su-exec" | "chpst" => 2,
                "newrelic-admin" if words.get(i + 1).is_some_and(|w| w.text == "run-program") => 2,
                "opentelemetry-instrument" => 1 + options_with_values(&words[i + 1..]),
                "poetry" | "pipenv" | "pdm" | "hatch" | "rye" if words.get(i + 1).is_some_and(|w| w.text == "run") => {
                    2 + options(&words[i + 2..], &[])
                }
                "uv" if words.get(i + 1).is_some_and(|w| w.text == "run") => {
                    2 + options(&words[i + 2..], UV_RUN_VALUED)
                }
                "bundle" if words.get(i + 1).is_some_and(|w| w.text == "exec") => 2,
                "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" => return self.shell_string(&words[i + 1..]),
                _ if is_python(name) => return python_module(&words[i..], env, exec, in_shell),
                _ => return None,
            };
        }
        None
    }

    /// `NAME=value` before a command (shell only): an environment variable
    /// for it. The span is the value's.
    fn assignment(&self, word: &Word) -> Option<EnvVar> {
        let (name, value) = word.text.split_once('=')?;
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return None;
        }
        let value_start = word.span.start + u32::try_from(name.len() + 1).unwrap_or(u32::MAX);
        Some(EnvVar {
            name: name.to_owned(),
            value: (!value.contains('$')).then(|| value.to_owned()),
            file: self.cmd.file,
            span: Span::new(value_start.min(word.span.end), word.span.end),
        })
    }

    /// `sh -c 'script' …`: the server the script starts.
    fn shell_string(&self, words: &[Word]) -> Option<ServerInvocation> {
        let c_flag = words.iter().take_while(|w| w.text.starts_with('-')).position(|w| is_c_flag(&w.text))?;
        let script = words.iter().skip(c_flag + 1).find(|w| !w.text.starts_with('-'))?;
        if self.depth >= MAX_SHELL_NESTING {
            return None;
        }
        let inner = Context { cmd: self.cmd, depth: self.depth + 1 };
        let exact = embedded_offset(&script.text, script.span);
        let mut commands = commands_in_text(self.cmd.file, &script.text, exact.unwrap_or(script.span.start));
        if exact.is_none() {
            for word in commands.iter_mut().flat_map(|c| c.words.iter_mut()) {
                word.span = script.span;
            }
        }
        commands.iter().find_map(|c| inner.resolve(&c.words, true))
    }
}

/// `python [options] -m MODULE args…`.
fn python_module(words: &[Word], env: Vec<EnvVar>, exec: bool, in_shell: bool) -> Option<ServerInvocation> {
    let mut i = 1;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if text == "-m" {
            let module = words.get(i + 1)?;
            return module_invocation(module, module.text.as_str(), &words[i + 2..], env, exec, in_shell);
        }
        if let Some(module) = text.strip_prefix("-m") {
            return module_invocation(word, module, &words[i + 1..], env, exec, in_shell);
        }
        if !text.starts_with('-') || text == "-c" {
            return None;
        }
        // `-X opt` and `-W arg` take a value; other options do not.
        i += if matches!(text, "-X" | "-W") { 2 } else { 1 };
    }
    None
}

fn module_invocation(
    program: &Word,
    module: &str,
    rest: &[Word],
    env: Vec<EnvVar>,
    exec: bool,
    in_shell: bool,
) -> Option<ServerInvocation> {
    let server = match module {
        "gunicorn" => Server::Gunicorn,
        "uvicorn" => Server::Uvicorn,
        "hypercorn" => Server::Hypercorn,
        _ => return None,
    };
    let args = if in_shell { strip_redirections(rest) } else { rest.to_vec() };
    Some(ServerInvocation { server, program: program.clone(), args, env, exec, via_shell: in_shell })
}

/// `uv run` options that take a value.
const UV_RUN_VALUED: &[&str] = &[
    "--with",
    "--with-requirements",
    "--with-editable",
    "--python",
    "-p",
    "--package",
    "--project",
    "--directory",
    "--env-file",
    "--extra",
    "--group",
    "--index",
    "--index-url",
];

/// How many leading words are options (stopping after `--`); `valued`
/// options consume the next word too.
fn options(words: &[Word], valued: &[&str]) -> usize {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        if text == "--" {
            return i + 1;
        }
        if !text.starts_with('-') || text == "-" {
            return i;
        }
        i += if valued.contains(&text) { 2 } else { 1 };
    }
    words.len()
}

/// `env` options (`-i`, `-u NAME`, `--unset=NAME`, `-C DIR`); its
/// assignments are read by the caller.
fn env_options(words: &[Word]) -> usize {
    options(words, &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"])
}

/// Options written `--key value` or `--key=value` (opentelemetry-instrument).
fn options_with_values(words: &[Word]) -> usize {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        if !word.text.starts_with("--") {
            return i;
        }
        i += if word.text.contains('=') { 1 } else { 2 };
    }
    words.len()
}

fn is_python(name: &str) -> bool {
    name.strip_prefix("python").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `-c`, `-ec`, `-xc`, `-lc`: an `sh` option cluster that includes `c`.
fn is_c_flag(text: &str) -> bool {
    text.len() > 1
        && !text.starts_with("--")
        && text[1..].chars().all(|c| c.is_ascii_alphabetic())
        && text.contains('c')
}

/// The server a program name starts. `apachectl` and `apache2ctl` start
/// httpd only with `-D FOREGROUND` (otherwise they daemonize or signal).
fn server_program(name: &str, rest: &[Word]) -> Option<Server> {
    let foreground = rest.iter().any(|w| w.text == "FOREGROUND" || w.text == "-DFOREGROUND");
    match name {
        "gunicorn" => Some(Server::Gunicorn),
        "uvicorn" => Some(Server::Uvicorn),
        "hypercorn" => Some(Server::Hypercorn),
        "puma" => Some(Server::Puma),
        "httpd" | "apache2" | "httpd-foreground" | "apache2-foreground" => Some(Server::Httpd),
        "apachectl" | "apache2ctl" if foreground => Some(Server::Httpd),
        // `node server.js`, not `node -e …` or a bare REPL.
        "node" | "nodejs" if node_runs_script(rest) => Some(Server::Node),
        // php-fpm, php-fpm8.2, php-fpm82.
        _ if name.strip_prefix("php-fpm").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.')) => {
            Some(Server::PhpFpm)
        }
        _ => None,
    }
}

/// Whether `node`'s arguments name a script to run: the first word that is
/// not an option (options that evaluate code or print end the search).
fn node_runs_script(rest: &[Word]) -> bool {
    for word in rest {
        match word.text.as_str() {
            "-e" | "--eval" | "-p" | "--print" | "-i" | "--interactive" | "-c" | "--check" | "-v" | "--version" => {
                return false;
            }
            "-r" | "--require" | "--import" | "--loader" | "--env-file" => {}
            text if text.starts_with('-') => {}
            _ => return true,
        }
    }
    false
}

/// Splits shell words at `&&`, `||`, `;`, `|` and `&` (standalone, or a
/// `;` glued to the end of a word).
fn simple_commands(words: &[Word]) -> Vec<Vec<Word>> {
    let mut commands = vec![Vec::new()];
    for word in words {
        if matches!(word.text.as_str(), "&&" | "||" | ";" | "|" | "&" | ";;") {
            commands.push(Vec::new());
            continue;
        }
        if let Some(text) = word.text.strip_suffix(';') {
            let mut trimmed = word.clone();
            text.clone_into(&mut trimmed.text);
            trimmed.span.end = trimmed.span.end.saturating_sub(1).max(trimmed.span.start);
            if let Some(current) = commands.last_mut() {
                current.push(trimmed);
            }
            commands.push(Vec::new());
            continue;
        }
        if let Some(current) = commands.last_mut() {
            current.push(word.clone());
        }
    }
    commands.retain(|c| !c.is_empty());
    commands
}

/// Arguments without redirections (`> log`, `2>&1`, `>>/var/log/x`).
fn strip_redirections(words: &[Word]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for word in words {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let text = word.text.trim_start_matches(|c: char| c.is_ascii_digit());
        let operator = ["&>>", "&>", ">>", ">&", ">", "<"].iter().find(|op| text.starts_with(**op));
        match operator {
            Some(op) if text.len() == op.len() => skip_next = true,
            Some(_) => {}
            None => out.push(word.clone()),
        }
    }
    out
}

/// Where `text`, written at `span` either as is or inside one pair of
/// quotes, starts in the file; `None` when escapes make the written form
/// differ (spans can then only point at the whole `span`).
pub fn embedded_offset(text: &str, span: Span) -> Option<u32> {
    let written = span.len() as usize;
    if written == text.len() {
        Some(span.start)
    } else if written == text.len() + 2 {
        Some(span.start + 1)
    } else {
        None
    }
}

/// Splits text written at `span` (an environment variable's value, a
/// quoted script) into words whose spans point into the file where
/// possible (see [`embedded_offset`]), else at the whole `span`.
pub fn split_embedded(text: &str, span: Span) -> (Vec<Word>, bool) {
    let exact = embedded_offset(text, span);
    let (mut words, syntax) = split_shell(text, exact.unwrap_or(span.start));
    if exact.is_none() {
        for word in &mut words {
            word.span = span;
        }
    }
    (words, syntax)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn shell(text: &str) -> CommandLine {
        let (words, has_shell_syntax) = split_shell(text, 0);
        CommandLine {
            file: FileId(1),
            span: Span::new(0, u32::try_from(text.len()).unwrap()),
            form: Form::Shell,
            words,
            has_shell_syntax,
        }
    }

    fn exec_form(words: &[&str]) -> CommandLine {
        let mut offset = 0;
        let words = words
            .iter()
            .map(|w| {
                let span = Span::new(offset + 1, offset + 1 + u32::try_from(w.len()).unwrap() + 2);
                offset = span.end;
                Word { text: (*w).to_owned(), span }
            })
            .collect();
        CommandLine { file: FileId(1), span: Span::new(0, offset), form: Form::Exec, words, has_shell_syntax: false }
    }

    fn args(inv: &ServerInvocation) -> Vec<&str> {
        inv.args.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn direct_and_wrapped_programs() {
        let inv = detect_server(&exec_form(&["/usr/local/bin/gunicorn", "-k", "gthread", "app:app"])).unwrap();
        assert_eq!((inv.server, inv.exec, inv.via_shell), (Server::Gunicorn, false, false));
        assert_eq!(args(&inv), ["-k", "gthread", "app:app"]);
        let inv = detect_server(&exec_form(&["tini", "--", "python3", "-u", "-m", "uvicorn", "app:app"])).unwrap();
        assert_eq!((inv.server, inv.program.text.as_str()), (Server::Uvicorn, "uvicorn"));
        assert_eq!(args(&inv), ["app:app"]);
        let inv = detect_server(&shell("cd /app && exec poetry run hypercorn app:app > /dev/null 2>&1")).unwrap();
        assert_eq!((inv.server, inv.exec, inv.via_shell), (Server::Hypercorn, true, true));
        assert_eq!(args(&inv), ["app:app"]);
        assert!(detect_server(&shell("pip install gunicorn")).is_none());
        assert!(detect_server(&shell("uv run --with gunicorn python app.py")).is_none());
        let inv = detect_server(&shell("bundle exec puma -C config/puma.rb")).unwrap();
        assert_eq!(inv.server, Server::Puma);
        assert_eq!(detect_server(&exec_form(&["php-fpm8.2", "-F"])).unwrap().server, Server::PhpFpm);
        assert_eq!(detect_server(&exec_form(&["httpd-foreground"])).unwrap().server, Server::Httpd);
        assert_eq!(
            detect_server(&exec_form(&["node", "--enable-source-maps", "dist/server.js"])).unwrap().server,
            Server::Node
        );
        assert!(detect_server(&exec_form(&["node", "-e", "require('./x')"])).is_none());
        assert!(detect_server(&exec_form(&["node"])).is_none());
        assert!(detect_server(&exec_form(&["apachectl", "graceful"])).is_none());
    }

    #[test]
    fn sh_c_strings_are_followed_with_spans() {
        let text = r#"sh -ec "cd /app; exec gunicorn --keep-alive 75 app:app""#;
        let inv = detect_server(&shell(text)).unwrap();
        assert!(inv.exec && inv.via_shell);
        assert_eq!(args(&inv), ["--keep-alive", "75", "app:app"]);
        assert_eq!(inv.args[1].span.text(text), "75");
        let inv = detect_server(&exec_form(&["/bin/sh", "-c", "gunicorn -w 2 app"])).unwrap();
        assert_eq!(args(&inv), ["-w", "2", "app"]);
        assert!(!inv.exec);
    }

    #[test]
    fn assignments_become_environment() {
        let text = r#"GUNICORN_CMD_ARGS="--keep-alive 10" env TZ=UTC gunicorn app"#;
        let inv = detect_server(&shell(text)).unwrap();
        let names: Vec<_> = inv.env.iter().map(|e| (e.name.as_str(), e.value.as_deref())).collect();
        assert_eq!(names, [("GUNICORN_CMD_ARGS", Some("--keep-alive 10")), ("TZ", Some("UTC"))]);
        assert_eq!(inv.env[0].span.text(text), r#""--keep-alive 10""#);
        let (words, _) = split_embedded(inv.env[0].value.as_deref().unwrap(), inv.env[0].span);
        assert_eq!(words[1].span.text(text), "10");
    }
}
