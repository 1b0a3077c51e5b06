//! Command-line types (clap derive) only.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;

#[derive(Debug, Parser)]
#[command(name = "hoplint", version, about = "Lint the configuration of every hop a web request crosses")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check configuration files and report problems.
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Show each proxy and backend found, with its effective settings and
    /// where each value comes from, and each chain with its mismatches.
    Hops(HopsArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`NG002`) or name (`unknown-nginx-directive`).
        rule: String,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

/// What to read and how: shared by `check` and `hops`.
#[derive(Debug, clap::Args)]
pub struct ProjectArgs {
    /// Files or directories (`-` reads standard input).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// nginx version the configuration runs on (`1.24` or `1.24.0`).
    #[arg(long, value_name = "VERSION")]
    pub nginx_version: Option<String>,
    /// ingress-nginx controller version (`1.11` or `1.11.3`); default: the
    /// controller image tag, else the newest release.
    #[arg(long, value_name = "VERSION")]
    pub ingress_nginx_version: Option<String>,
    /// A backend's version, e.g. `gunicorn=23.0` (repeatable): gunicorn,
    /// uvicorn, hypercorn, node, puma, php, httpd. Overrides `[versions]`,
    /// pins and image tags.
    #[arg(long = "version", value_name = "NAME=VERSION")]
    pub backend_versions: Vec<String>,
    /// Use this configuration file instead of searching for hoplint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any hoplint.toml.
    #[arg(long)]
    pub no_config: bool,
    /// The path standard input stands for (with `-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // each bool is a command-line flag
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Rule codes or prefixes to enable (`ALL`, `NG`, `NG002`).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Rule codes or prefixes to enable in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub extend_select: Vec<String>,
    /// Rule codes or prefixes to disable.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 (default: warning).
    #[arg(long, value_enum)]
    pub fail_on: Option<Severity>,
    /// Exit 0 even when problems are found (errors running hoplint still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply safe fixes in place (with --unsafe-fixes, unsafe ones too).
    #[arg(long)]
    pub fix: bool,
    /// Allow fixes that change behaviour beyond the finding.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 if any).
    #[arg(long)]
    pub diff: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print diagnostics only: no summary, no notes.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct HopsArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// How to print the hops and their chains
    #[arg(long, value_enum, default_value_t = HopsFormat::Text)]
    pub format: HopsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HopsFormat {
    /// Every hop's settings, then a ladder per chain with mismatches marked
    Text,
    /// The `hops` JSON contract
    Json,
    /// A Mermaid flowchart of the chains
    Mermaid,
    /// A Graphviz digraph of the chains
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
