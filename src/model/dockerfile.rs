//! What a Dockerfile builds: its stages, the settings each stage writes,
//! and the effective values of a stage through the in-file `FROM` chain
//! (stop signal, environment, command), as Docker applies them.

use crate::knowledge::images::{self, ImageRef, InheritedSignal};
use crate::knowledge::signals;
use crate::model::command::{CommandLine, EnvVar, Form, Word, split_shell};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::interpolation::{Unresolved, dockerfile_word};
use crate::model::problem::ParseProblem;
use crate::model::setting::{Origin, Setting};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::dockerfile::{self as syntax, Arg, ArgsForm, Instruction};
use crate::syntax::mapped::MappedText;

/// A text as written (after quote removal and variable substitution where
/// that applies), and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub span: Span,
}

/// A read Dockerfile.
#[derive(Debug)]
pub struct Dockerfile {
    pub file: FileId,
    pub tree: syntax::Dockerfile,
    /// `ARG`s before the first `FROM`: the only variables `FROM` lines see.
    pub global_args: Vec<BuildArg>,
    pub stages: Vec<Stage>,
    pub problems: Vec<ParseProblem>,
}

/// An `ARG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildArg {
    pub name: String,
    /// The default written in the file (or inherited from the global `ARG`
    /// of the same name); `None` when there is none or it cannot be
    /// resolved. A build may override it with `--build-arg`.
    pub default: Option<String>,
    pub span: Span,
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// An earlier stage of this file, by index.
    Stage(usize),
    /// An image (`scratch` included): explicit with the span of the image
    /// word, or unknown when a variable or a bad reference hides it.
    Image(Setting<ImageRef>),
}

/// A `CMD` or `ENTRYPOINT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub line: CommandLine,
    /// The shell that runs a shell-form command (`SHELL`, else Docker's
    /// `/bin/sh -c`); empty for exec form.
    pub shell: Vec<String>,
}

/// A source of `COPY`/`ADD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySource {
    pub path: Spanned,
    /// For `COPY <<EOF /dest`: the heredoc body, which becomes the file.
    pub heredoc: Option<String>,
}

/// A `COPY` or `ADD`: which files an image ships and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    pub span: Span,
    pub add: bool,
    /// `--from=stage|image`.
    pub from: Option<Spanned>,
    pub chmod: Option<Spanned>,
    pub chown: Option<Spanned>,
    pub sources: Vec<CopySource>,
    pub destination: Option<Spanned>,
}

/// A `HEALTHCHECK`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    pub span: Span,
    /// `HEALTHCHECK NONE`: turns off the base image's check.
    pub disabled: bool,
}

/// One build stage: a `FROM` and the instructions up to the next one. Every
/// field holds what this stage writes; see [`Dockerfile`]'s methods for
/// effective values through the `FROM` chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The `FROM` instruction.
    pub from: Span,
    pub base: Base,
    /// `AS name`, lower-cased as Docker compares it.
    pub name: Option<Spanned>,
    pub platform: Option<Spanned>,
    pub args: Vec<BuildArg>,
    pub env: Vec<EnvVar>,
    /// The last `STOPSIGNAL`: its canonical name (`SIGQUIT`), or unknown.
    pub stop_signal: Option<Setting<String>>,
    pub cmd: Option<Command>,
    pub entrypoint: Option<Command>,
    /// The last `SHELL`.
    pub shell: Option<Vec<String>>,
    pub workdir: Option<Setting<String>>,
    pub user: Option<Setting<String>>,
    pub expose: Vec<Setting<String>>,
    pub copies: Vec<Copy>,
    pub healthcheck: Option<Healthcheck>,
}

/// An effective `CMD` or `ENTRYPOINT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effective<'a> {
    /// Written in this stage or an in-file base stage.
    Written(&'a Command),
    /// Set by none, and an `ENTRYPOINT` in the stage reset the inherited
    /// `CMD`, or the chain starts at `scratch`.
    Cleared,
    /// Whatever the root base image sets (hoplint does not know it).
    FromBaseImage,
}

/// Docker's shell for shell-form commands on Linux (Dockerfile reference,
/// `SHELL`: "The default shell on Linux is `["/bin/sh", "-c"]`").
pub const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// Whether a file name is a Dockerfile: `Dockerfile`, `Dockerfile.*`,
/// `Dockerfile-*`, `*.Dockerfile`, `Containerfile`, `Containerfile.*` (any
/// case).
pub fn is_dockerfile_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["dockerfile", "containerfile"]
        .iter()
        .any(|base| name.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_'])))
        || name.ends_with(".dockerfile")
}

/// Reads a Dockerfile. Never fails: what Docker would reject is in
/// [`Dockerfile::problems`].
pub fn read_dockerfile(file: FileId, source: &str) -> Dockerfile {
    let tree = syntax::parse(source);
    let mut reader = Reader {
        file,
        escape: tree.escape,
        out: Vec::new(),
        problems: Vec::new(),
        globals: Vec::new(),
        scope: Vec::new(),
    };
    for error in &tree.errors {
        reader.problem(error.span, error.message.clone());
    }
    for instruction in &tree.instructions {
        reader.instruction(instruction);
    }
    if reader.out.is_empty() {
        let at = tree.instructions.first().map_or(Span::default(), |i| i.keyword_span);
        reader.problem(at, "no `FROM` instruction: Docker cannot build this file".to_owned());
    }
    Dockerfile { file, tree, global_args: reader.globals, stages: reader.out, problems: reader.problems }
}

/// Instructions that accept `--flags` (the Dockerfile reference); Docker
/// rejects flags on the others.
const FLAGGED: [&str; 5] = ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"];

/// Instructions hoplint reads nothing from but Docker accepts.
const ACCEPTED: [&str; 5] = ["RUN", "LABEL", "MAINTAINER", "VOLUME", "ONBUILD"];

struct Reader {
    file: FileId,
    escape: char,
    out: Vec<Stage>,
    problems: Vec<ParseProblem>,
    globals: Vec<BuildArg>,
    /// The variables set so far in the current stage, in order.
    scope: Vec<(String, Option<String>)>,
}

impl Reader {
    fn problem(&mut self, span: Span, message: String) {
        self.problems.push(ParseProblem { file: self.file, span, message });
    }

    fn instruction(&mut self, ins: &Instruction) {
        let keyword = ins.keyword.as_str();
        if let Some(flag) = ins.flags.first().filter(|_| !FLAGGED.contains(&keyword)) {
            self.problem(flag.span, format!("`{keyword}` takes no flags; Docker rejects `--{}`", flag.name));
        }
        if keyword == "FROM" {
            self.from(ins);
            return;
        }
        if self.out.is_empty() && keyword != "ARG" {
            self.problem(ins.keyword_span, format!("`{keyword}` before the first `FROM`: only `ARG` may come first"));
            return;
        }
        match keyword {
            "ARG" => self.build_args(ins),
            "ENV" => self.env(ins),
            "CMD" | "ENTRYPOINT" => self.command(ins),
            "SHELL" => self.shell(ins),
            "STOPSIGNAL" => {
                let signal = self.stop_signal(ins);
                self.stage_mut().stop_signal = Some(signal);
            }
            "WORKDIR" => {
                let value = self.value(&ins.args);
                self.stage_mut().workdir = Some(value);
            }
            "USER" => {
                let value = self.value(&ins.args);
                self.stage_mut().user = Some(value);
            }
            "EXPOSE" => {
                let ports: Vec<_> = syntax::blank_separated(&ins.args).iter().map(|w| self.word_setting(w)).collect();
                self.stage_mut().expose.extend(ports);
            }
            "COPY" | "ADD" => self.copy(ins),
            "HEALTHCHECK" => {
                let disabled = ins.args.text.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("NONE"));
                self.stage_mut().healthcheck = Some(Healthcheck { span: ins.span, disabled });
            }
            k if ACCEPTED.contains(&k) => {}
            _ => self.problem(ins.keyword_span, format!("unknown instruction `{keyword}`")),
        }
    }

    /// The current stage. Only called after the first `FROM`
    /// ([`Reader::instruction`] returns early before it).
    fn stage_mut(&mut self) -> &mut Stage {
        let last = self.out.len().saturating_sub(1);
        &mut self.out[last]
    }

    /// The value of a variable at this point: the current stage's `ARG`s and
    /// `ENV`s so far (the global `ARG`s before the first `FROM`), then the
    /// `ENV`s its in-file base stages hand down.
    fn lookup(&self, name: &str) -> Option<String> {
        if let Some((_, value)) = self.scope.iter().rev().find(|(n, _)| n == name) {
            return value.clone();
        }
        let mut base = self.out.last().map(|s| &s.base);
        while let Some(Base::Stage(index)) = base {
            let parent = &self.out[*index];
            if let Some(env) = parent.env.iter().rev().find(|e| e.name == name) {
                return env.value.clone();
            }
            base = Some(&parent.base);
        }
        None
    }

    /// A word with quotes removed and variables substituted.
    fn process(&self, raw: &str) -> Result<String, Unresolved> {
        dockerfile_word(raw, self.escape, &|name| self.lookup(name))
    }

    fn word_setting(&self, word: &Arg) -> Setting<String> {
        match self.process(&word.text) {
            Ok(text) => Setting::explicit(text, self.file, word.span),
            Err(missing) => Setting::unknown(unresolved_reason(&word.text, &missing)),
        }
    }

    fn value(&self, args: &MappedText) -> Setting<String> {
        let word = Arg { text: args.text.clone(), span: args.source_span(), range: 0..args.text.len() };
        self.word_setting(&word)
    }

    fn from(&mut self, ins: &Instruction) {
        let words = syntax::blank_separated(&ins.args);
        let name = match words.as_slice() {
            [_, as_word, name] if as_word.text.eq_ignore_ascii_case("as") => {
                Some(Spanned { text: name.text.to_ascii_lowercase(), span: name.span })
            }
            [_] => None,
            _ => {
                self.problem(ins.args.source_span(), "`FROM` takes an image and optionally `AS name`".to_owned());
                None
            }
        };
        let base = match words.first() {
            Some(image) => self.base(image),
            None => Base::Image(Setting::unknown("`FROM` names no image")),
        };
        if let Some(name) = &name
            && self.out.iter().any(|s| s.name.as_ref().is_some_and(|other| other.text == name.text))
        {
            self.problem(name.span, format!("duplicate stage name `{}`", name.text));
        }
        let platform = ins
            .flags
            .iter()
            .find(|f| f.name == "platform")
            .map(|f| Spanned { text: f.value.clone().unwrap_or_default(), span: f.span });
        self.scope.clear();
        self.out.push(Stage {
            from: ins.span,
            base,
            name,
            platform,
            args: Vec::new(),
            env: Vec::new(),
            stop_signal: None,
            cmd: None,
            entrypoint: None,
            shell: None,
            workdir: None,
            user: None,
            expose: Vec::new(),
            copies: Vec::new(),
            healthcheck: None,
        });
    }

    /// A `FROM` word: an earlier stage's name, or an image reference with the
    /// global `ARG`s substituted (buildkit expands `FROM` with them only).
    fn base(&self, word: &Arg) -> Base {
        let globals = |name: &str| self.globals.iter().rev().find(|a| a.name == name).and_then(|a| a.default.clone());
        let text = match dockerfile_word(&word.text, self.escape, &globals) {
            Ok(text) => text,
            Err(missing) => return Base::Image(Setting::unknown(unresolved_reason(&word.text, &missing))),
        };
        let lower = text.to_ascii_lowercase();
        if let Some(index) = self.out.iter().position(|s| s.name.as_ref().is_some_and(|n| n.text == lower)) {
            return Base::Stage(index);
        }
        match ImageRef::parse(&text) {
            Some(image) => Base::Image(Setting::explicit(image, self.file, word.span)),
            None => Base::Image(Setting::unknown(format!("`{text}` is not an image reference"))),
        }
    }

    /// `ARG a=1 b`: each name with its default; an `ARG` without one in a
    /// stage takes the global `ARG`'s of the same name.
    fn build_args(&mut self, ins: &Instruction) {
        for word in syntax::quoted_words(&ins.args, self.escape) {
            let (name, default) = match word.text.split_once('=') {
                Some((name, raw)) => (name.to_owned(), self.process(raw).ok()),
                None if self.out.is_empty() => (word.text.clone(), None),
                None => {
                    let global = self.globals.iter().rev().find(|a| a.name == word.text);
                    (word.text.clone(), global.and_then(|a| a.default.clone()))
                }
            };
            self.scope.push((name.clone(), default.clone()));
            let arg = BuildArg { name, default, span: word.span };
            match self.out.last_mut() {
                Some(stage) => stage.args.push(arg),
                None => self.globals.push(arg),
            }
        }
    }

    /// `ENV a=b c="d e"` and the legacy `ENV a b c` (one variable, the rest
    /// of the line its value).
    fn env(&mut self, ins: &Instruction) {
        let words = syntax::quoted_words(&ins.args, self.escape);
        let Some(first) = words.first() else {
            self.problem(ins.keyword_span, "`ENV` needs a name and a value".to_owned());
            return;
        };
        if !first.text.contains('=') {
            let value = ins.args.slice(first.range.end, ins.args.text.len()).trim();
            if value.text.is_empty() {
                self.problem(ins.args.source_span(), format!("`ENV {}` needs a value", first.text));
                return;
            }
            let var = self.env_var(first.text.clone(), &value.text, value.source_span());
            self.push_env(var);
            return;
        }
        for word in words {
            let Some((name, raw)) = word.text.split_once('=') else {
                self.problem(word.span, format!("`{}` is not `name=value`", word.text));
                continue;
            };
            let value = Span::new(to_u32(word.range.start + name.len() + 1), to_u32(word.range.end));
            let span = if raw.is_empty() { word.span } else { ins.args.span_to_source(value) };
            let var = self.env_var(name.to_owned(), raw, span);
            self.push_env(var);
        }
    }

    fn env_var(&self, name: String, raw: &str, span: Span) -> EnvVar {
        EnvVar { name, value: self.process(raw).ok(), file: self.file, span }
    }

    /// Records an `ENV`; later words and instructions see it.
    fn push_env(&mut self, var: EnvVar) {
        self.scope.push((var.name.clone(), var.value.clone()));
        self.stage_mut().env.push(var);
    }

    fn stop_signal(&mut self, ins: &Instruction) -> Setting<String> {
        let span = ins.args.source_span();
        let text = match self.process(&ins.args.text) {
            Ok(text) => text,
            Err(missing) => return Setting::unknown(unresolved_reason(&ins.args.text, &missing)),
        };
        if let Some(signal) = signals::normalize(&text) {
            return Setting::explicit(signal, self.file, span);
        }
        self.problem(span, format!("`{text}` is not a signal: Docker rejects this STOPSIGNAL"));
        Setting::unknown(format!("invalid STOPSIGNAL `{text}`"))
    }

    fn command(&mut self, ins: &Instruction) {
        let shell = self.current_shell();
        let Some(line) = self.command_line(ins, &shell) else { return };
        let shell = match line.form {
            Form::Exec => Vec::new(),
            Form::Shell => shell,
        };
        let command = Some(Command { line, shell });
        let stage = self.stage_mut();
        if ins.keyword == "CMD" {
            stage.cmd = command;
        } else {
            stage.entrypoint = command;
        }
    }

    /// The command's words: the JSON strings of exec form, or shell form
    /// split as a POSIX shell would. Under another shell (`SHELL
    /// ["powershell", …]`) the words are only split on blanks and marked as
    /// a best effort.
    fn command_line(&mut self, ins: &Instruction, shell: &[String]) -> Option<CommandLine> {
        let span = ins.args.source_span();
        let (form, words, has_shell_syntax) = match syntax::exec_form(&ins.args) {
            ArgsForm::Exec(words) => {
                (Form::Exec, words.into_iter().map(|w| Word { text: w.text, span: w.span }).collect(), false)
            }
            ArgsForm::NotAllStrings => {
                self.problem(span, format!("`{}` JSON array holds something other than strings", ins.keyword));
                return None;
            }
            ArgsForm::Shell if ins.args.text.is_empty() => {
                self.problem(ins.keyword_span, format!("`{}` needs a command", ins.keyword));
                return None;
            }
            ArgsForm::Shell if !is_posix_shell(shell) => {
                let words = syntax::blank_separated(&ins.args).into_iter().map(|w| Word { text: w.text, span: w.span });
                (Form::Shell, words.collect(), true)
            }
            ArgsForm::Shell => {
                let (words, syntax) = split_shell(&ins.args.text, 0);
                let words = words.into_iter().map(|w| Word { span: ins.args.span_to_source(w.span), text: w.text });
                (Form::Shell, words.collect(), syntax)
            }
        };
        Some(CommandLine { file: self.file, span, form, words, has_shell_syntax })
    }

    /// The shell a shell-form instruction runs in: the stage's last
    /// `SHELL`, else its in-file bases', else Docker's default.
    fn current_shell(&self) -> Vec<String> {
        let mut stage = self.out.last();
        while let Some(s) = stage {
            if let Some(shell) = &s.shell {
                return shell.clone();
            }
            stage = match s.base {
                Base::Stage(index) => self.out.get(index),
                Base::Image(_) => None,
            };
        }
        DEFAULT_SHELL.iter().map(|s| (*s).to_owned()).collect()
    }

    fn shell(&mut self, ins: &Instruction) {
        match syntax::exec_form(&ins.args) {
            ArgsForm::Exec(words) if !words.is_empty() => {
                self.stage_mut().shell = Some(words.into_iter().map(|w| w.text).collect());
            }
            _ => self.problem(ins.args.source_span(), "`SHELL` needs a JSON array of strings".to_owned()),
        }
    }

    fn copy(&mut self, ins: &Instruction) {
        let flag = |name: &str| {
            ins.flags
                .iter()
                .find(|f| f.name == name)
                .map(|f| Spanned { text: f.value.clone().unwrap_or_default(), span: f.span })
        };
        let words = match syntax::exec_form(&ins.args) {
            ArgsForm::Exec(words) => words.into_iter().map(|w| Spanned { text: w.text, span: w.span }).collect(),
            _ => syntax::blank_separated(&ins.args)
                .iter()
                .map(|w| Spanned { text: self.process(&w.text).unwrap_or_else(|_| w.text.clone()), span: w.span })
                .collect::<Vec<_>>(),
        };
        if words.len() < 2 {
            self.problem(ins.args.source_span(), format!("`{}` needs a source and a destination", ins.keyword));
        }
        let (destination, sources) = match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => (Some(last.clone()), rest.to_vec()),
            _ => (None, words),
        };
        let sources = sources
            .into_iter()
            .map(|path| {
                let heredoc = ins.heredocs.iter().find(|h| h.marker == path.span).map(|h| h.content.clone());
                CopySource { path, heredoc }
            })
            .collect();
        let copy = Copy {
            span: ins.span,
            add: ins.keyword == "ADD",
            from: flag("from"),
            chmod: flag("chmod"),
            chown: flag("chown"),
            sources,
            destination,
        };
        self.stage_mut().copies.push(copy);
    }
}

/// POSIX shells, by program name: their word splitting is `split_shell`'s.
const POSIX_SHELLS: [&str; 7] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"];

fn is_posix_shell(shell: &[String]) -> bool {
    shell.first().and_then(|program| program.rsplit('/').next()).is_some_and(|name| POSIX_SHELLS.contains(&name))
}

fn unresolved_reason(raw: &str, missing: &Unresolved) -> String {
    format!("`{raw}` uses ${}, which has no value in this file", missing.name)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Dockerfile {
    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// The stage named `name` (`--target`, compose `build.target`).
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        let name = name.to_ascii_lowercase();
        self.stages.iter().position(|s| s.name.as_ref().is_some_and(|n| n.text == name))
    }

    /// `stage` and the in-file stages it is built on, nearest first.
    pub fn chain(&self, stage: usize) -> Vec<&Stage> {
        let mut chain = Vec::new();
        let mut next = self.stages.get(stage);
        while let Some(s) = next {
            chain.push(s);
            next = match s.base {
                // A stage can only name an earlier one, so this ends.
                Base::Stage(index) if chain.len() <= self.stages.len() => self.stages.get(index),
                _ => None,
            };
        }
        chain
    }

    /// The image the chain of `stage` starts from.
    pub fn root_image(&self, stage: usize) -> Option<&Setting<ImageRef>> {
        match &self.chain(stage).last()?.base {
            Base::Image(image) => Some(image),
            Base::Stage(_) => None,
        }
    }

    /// The stop signal of the image `stage` produces: its `STOPSIGNAL`, else
    /// one of its in-file bases' (Docker copies the base image's config),
    /// else what the root image hands down (RULES.md SD001).
    pub fn stop_signal(&self, stage: usize) -> Setting<String> {
        let chain = self.chain(stage);
        if let Some(signal) = chain.iter().find_map(|s| s.stop_signal.clone()) {
            return signal;
        }
        match self.root_image(stage) {
            Some(image) => image_stop_signal(image),
            None => Setting::unknown("the stage has no base image"),
        }
    }

    /// The environment of the image `stage` produces, as far as this file
    /// sets it: base stages' `ENV` first, later ones override by name.
    pub fn env(&self, stage: usize) -> Vec<&EnvVar> {
        let mut env: Vec<&EnvVar> = Vec::new();
        for s in self.chain(stage).into_iter().rev() {
            for var in &s.env {
                env.retain(|e| e.name != var.name);
                env.push(var);
            }
        }
        env
    }

    /// The effective `ENTRYPOINT`: the nearest one in the chain.
    pub fn entrypoint(&self, stage: usize) -> Effective<'_> {
        self.effective(stage, |s| s.entrypoint.as_ref(), false)
    }

    /// The effective `CMD`: the nearest one in the chain, except that an
    /// `ENTRYPOINT` in a stage without `CMD` resets the inherited `CMD`
    /// (buildkit `dispatchEntrypoint` clears `Cmd` unless the stage set one).
    pub fn cmd(&self, stage: usize) -> Effective<'_> {
        self.effective(stage, |s| s.cmd.as_ref(), true)
    }

    fn effective<'a>(
        &'a self,
        stage: usize,
        get: impl Fn(&'a Stage) -> Option<&'a Command>,
        cmd: bool,
    ) -> Effective<'a> {
        let chain = self.chain(stage);
        for s in &chain {
            if let Some(command) = get(s) {
                return Effective::Written(command);
            }
            if cmd && s.entrypoint.is_some() {
                return Effective::Cleared;
            }
        }
        match chain.last().map(|s| &s.base) {
            Some(Base::Image(Setting { value: Some(image), .. })) if image.is_scratch() => Effective::Cleared,
            _ => Effective::FromBaseImage,
        }
    }
}

/// The stop signal an image hands down (RULES.md "Images"), or unknown when
/// the image itself is.
pub fn image_stop_signal(image: &Setting<ImageRef>) -> Setting<String> {
    match (&image.value, &image.origin) {
        (Some(image), _) => match images::inherited_stop_signal(image) {
            InheritedSignal::Known { signal, what } => Setting::default(signal.to_owned(), what),
            InheritedSignal::Unknown { reason } => Setting::unknown(reason),
        },
        (None, Origin::Unknown { reason }) => Setting::unknown(format!("the image is not known ({reason})")),
        (None, _) => Setting::unknown("no image"),
    }
}

/// The container hop of a Dockerfile's final stage (RULES.md "Bare
/// Dockerfiles"): id = the Dockerfile's path, span = the final `FROM`, and
/// its effective stop signal. `None` for a file without stages.
pub fn container_hop(dockerfile: &Dockerfile, path: &str) -> Option<Hop> {
    let stage = dockerfile.final_stage()?;
    Some(Hop {
        id: path.to_owned(),
        kind: HopKind::Container,
        file: dockerfile.file,
        span: dockerfile.stages[stage].from,
        software_version: None,
        settings: HopSettings {
            stop_signal: Some(dockerfile.stop_signal(stage)),
            grace_period: Some(Setting::unknown(
                "set by what runs the image (Compose, Kubernetes), not by the Dockerfile",
            )),
            ..HopSettings::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Dockerfile {
        read_dockerfile(FileId(0), src)
    }

    fn explicit_text(setting: &Setting<String>, src: &str) -> String {
        match setting.origin {
            Origin::Explicit { span, .. } => span.text(src).to_owned(),
            _ => panic!("not explicit: {setting:?}"),
        }
    }

    #[test]
    fn names() {
        for name in
            ["Dockerfile", "dockerfile", "Dockerfile.dev", "Dockerfile-chroot", "app.Dockerfile", "Containerfile"]
        {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in ["Dockerfiles", "docker-compose.yml", "Dockerfile.md.txt.go"] {
            assert_eq!(is_dockerfile_name(name), name.starts_with("Dockerfile."), "{name}");
        }
    }

    #[test]
    fn stages_chain_and_inherited_stop_signal() {
        let src = "ARG BASE=python:3.12-slim\nFROM ${BASE} AS base\nSTOPSIGNAL 3\nFROM base AS app\nCMD [\"gunicorn\", \"app:app\"]\n";
        let file = read(src);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[1].base, Base::Stage(0));
        let root = file.root_image(1).unwrap();
        assert_eq!(root.value.as_ref().unwrap().to_string(), "python:3.12-slim");
        let signal = file.stop_signal(1);
        assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
        assert_eq!(explicit_text(&signal, src), "3");
    }

    #[test]
    fn base_image_signals() {
        let file = read("FROM nginx:1.25-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n");
        let signal = file.stop_signal(0);
        assert_eq!(signal.value.as_deref(), Some("SIGQUIT"));
        assert!(matches!(signal.origin, Origin::Default { ref what } if what.contains("1.19.5")));
        let file = read("ARG TAG\nFROM nginx:${TAG}\n");
        assert!(!file.stop_signal(0).is_known());
        let file = read("FROM alpine\nSTOPSIGNAL $NOPE\n");
        assert!(!file.stop_signal(0).is_known());
        let file = read("FROM alpine\nSTOPSIGNAL SIGFOO\n");
        assert_eq!(file.problems.len(), 1);
    }

    #[test]
    fn entrypoint_resets_inherited_cmd() {
        let src = "FROM alpine AS a\nCMD [\"serve\"]\nFROM a\nENTRYPOINT [\"/init\"]\n";
        let file = read(src);
        assert_eq!(file.cmd(1), Effective::Cleared);
        assert!(matches!(file.entrypoint(1), Effective::Written(c) if c.line.words[0].text == "/init"));
        assert!(matches!(file.cmd(0), Effective::Written(_)));
        assert_eq!(file.entrypoint(0), Effective::FromBaseImage);
        // CMD before ENTRYPOINT in the same stage is kept
        let file = read("FROM alpine\nCMD [\"x\"]\nENTRYPOINT [\"y\"]\n");
        assert!(matches!(file.cmd(0), Effective::Written(_)));
        assert_eq!(read("FROM scratch\n").cmd(0), Effective::Cleared);
    }

    #[test]
    fn shell_form_uses_the_shell_in_effect() {
        let src =
            "FROM python:3.12 AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD gunicorn -k gthread app:app\n";
        let file = read(src);
        let Effective::Written(cmd) = file.cmd(1) else { panic!() };
        assert_eq!(cmd.line.form, Form::Shell);
        assert_eq!(cmd.shell, ["/bin/bash", "-c"]);
        assert_eq!(cmd.line.words[3].text, "app:app");
        assert_eq!(cmd.line.words[3].span.text(src), "app:app");
    }

    #[test]
    fn env_forms_and_effective_env() {
        let src = "FROM alpine AS a\nENV A=1 B=\"two words\"\nFROM a\nENV LEGACY some value\nENV A=$A-more C=$HOME\n";
        let file = read(src);
        let env: Vec<_> = file.env(1).into_iter().map(|e| (e.name.as_str(), e.value.as_deref())).collect();
        assert_eq!(env, [("B", Some("two words")), ("LEGACY", Some("some value")), ("A", Some("1-more")), ("C", None)]);
        let b = file.stages[0].env.iter().find(|e| e.name == "B").unwrap();
        assert_eq!(b.span.text(src), "\"two words\"");
    }

    #[test]
    fn copies() {
        let src = "FROM nginx\nCOPY --from=build --chmod=644 nginx.conf default.conf /etc/nginx/\nCOPY <<EOF /etc/x.conf\nk v\nEOF\nADD [\"a b\", \"/c\"]\n";
        let file = read(src);
        let copies = &file.stages[0].copies;
        assert_eq!(copies[0].from.as_ref().unwrap().text, "build");
        assert_eq!(copies[0].sources.len(), 2);
        assert_eq!(copies[0].destination.as_ref().unwrap().text, "/etc/nginx/");
        assert_eq!(copies[1].sources[0].heredoc.as_deref(), Some("k v\n"));
        assert!(copies[2].add);
        assert_eq!(copies[2].sources[0].path.text, "a b");
    }

    #[test]
    fn problems_are_values() {
        let file = read("RUN x\nFROM\nCMD [1]\nBOGUS y\nCMD --x y\n");
        assert!(file.problems.len() >= 4, "{:?}", file.problems);
        let file = read("");
        assert_eq!(file.problems.len(), 1);
        assert!(container_hop(&file, "Dockerfile").is_none());
        let file = read("FROM a AS x\nFROM b AS X\n");
        assert_eq!(file.problems.len(), 1, "duplicate stage name");
    }
}
