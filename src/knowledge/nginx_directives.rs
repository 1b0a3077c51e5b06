//! nginx directives per version: module, contexts, argument counts, value
//! type, build flags. Data: `../shared/data/nginx-directives.tsv`, read from
//! the `ngx_command_t` tables of every nginx release 1.0.0..1.31.4 and of
//! lua-nginx-module, stream-lua-nginx-module, headers-more and njs.

use super::nginx_directives_data::DIRECTIVES;
use super::version::Version;

/// A set of nginx configuration contexts (`NGX_*_CONF` flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Contexts(pub u16);

/// One nginx configuration context. The discriminant is the bit in [`Contexts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Main = 0,
    Events,
    Http,
    Server,
    Location,
    Upstream,
    /// `if` inside `server`
    ServerIf,
    /// `if` inside `location`
    LocationIf,
    /// `limit_except`
    LimitExcept,
    Mail,
    MailServer,
    Stream,
    StreamServer,
    StreamUpstream,
}

impl Context {
    /// The name nginx's documentation and the data table use.
    pub fn name(self) -> &'static str {
        match self {
            Context::Main => "main",
            Context::Events => "events",
            Context::Http => "http",
            Context::Server => "server",
            Context::Location => "location",
            Context::Upstream => "upstream",
            Context::ServerIf => "if in server",
            Context::LocationIf => "if in location",
            Context::LimitExcept => "limit_except",
            Context::Mail => "mail",
            Context::MailServer => "server in mail",
            Context::Stream => "stream",
            Context::StreamServer => "server in stream",
            Context::StreamUpstream => "upstream in stream",
        }
    }

    /// The context a block directive opens when written in `self`, if it is
    /// one of nginx's structural blocks.
    pub fn child(self, directive: &str) -> Option<Context> {
        use Context::{
            Events, Http, LimitExcept, Location, LocationIf, Mail, MailServer, Main, Server, ServerIf, Stream,
            StreamServer, StreamUpstream, Upstream,
        };
        Some(match (self, directive) {
            (Main, "events") => Events,
            (Main, "http") => Http,
            (Main, "mail") => Mail,
            (Main, "stream") => Stream,
            (Http, "server") => Server,
            (Http, "upstream") => Upstream,
            (Server | Location, "location") => Location,
            (Server, "if") => ServerIf,
            (Location, "if") => LocationIf,
            (Location, "limit_except") => LimitExcept,
            (Mail, "server") => MailServer,
            (Stream, "server") => StreamServer,
            (Stream, "upstream") => StreamUpstream,
            _ => return None,
        })
    }
}

const ANY_BIT: u16 = 1 << 14;

impl Contexts {
    pub fn contains(self, context: Context) -> bool {
        self.0 & (ANY_BIT | 1 << context as u16) != 0
    }

    /// The contexts in this set (`any` excluded).
    pub fn iter(self) -> impl Iterator<Item = Context> {
        ALL_CONTEXTS.into_iter().filter(move |c| self.0 & (1 << *c as u16) != 0)
    }

    /// Readable list for messages: `http, server, location`.
    pub fn describe(self) -> String {
        if self.0 & ANY_BIT != 0 {
            return "any context".to_owned();
        }
        ALL_CONTEXTS.iter().filter(|c| self.contains(**c)).map(|c| c.name()).collect::<Vec<_>>().join(", ")
    }
}

const ALL_CONTEXTS: [Context; 14] = [
    Context::Main,
    Context::Events,
    Context::Http,
    Context::Server,
    Context::Location,
    Context::Upstream,
    Context::ServerIf,
    Context::LocationIf,
    Context::LimitExcept,
    Context::Mail,
    Context::MailServer,
    Context::Stream,
    Context::StreamServer,
    Context::StreamUpstream,
];

/// How many arguments a directive takes (`NGX_CONF_TAKE*`, `1MORE`, `2MORE`,
/// `ANY`, `FLAG`) and whether it opens a block (`NGX_CONF_BLOCK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgSpec {
    /// Bit `n` set: exactly `n` arguments are accepted.
    pub counts: u16,
    /// `Some(n)`: `n` or more arguments are accepted.
    pub more_from: Option<u8>,
    /// `NGX_CONF_FLAG`: one argument, `on` or `off`.
    pub flag: bool,
    pub block: bool,
}

impl ArgSpec {
    pub fn accepts(self, n: usize) -> bool {
        let exact = n < 16 && self.counts & (1 << n) != 0;
        exact || self.more_from.is_some_and(|m| n >= usize::from(m))
    }
}

/// The C setter that parses the directive's first argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `ngx_conf_set_msec_slot`: time, `ms` allowed, `M`/`y` rejected.
    TimeMs,
    /// `ngx_conf_set_sec_slot`: time in seconds, `ms` rejected.
    TimeS,
    Size,
    Offset,
    Number,
    Flag,
    Enum,
    Bitmask,
    String,
    StringArray,
    KeyVal,
    Bufs,
    Path,
    Access,
    ComplexValue,
    ComplexValueSize,
    /// A directive-specific handler.
    Handler,
    Other,
}

/// Contexts, arguments and value type of a directive during some releases.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub contexts: Contexts,
    pub args: ArgSpec,
    pub slot: Slot,
    /// Allowed keywords for enum, bitmask and flag slots.
    pub values: &'static [&'static str],
}

/// The shape a directive had from `from` to `to` (inclusive).
#[derive(Clone, Copy, Debug)]
pub struct Period {
    pub from: Version,
    pub to: Version,
    pub shape: Shape,
}

/// Third-party modules the tables cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThirdParty {
    Lua,
    HeadersMore,
    Njs,
}

impl ThirdParty {
    /// The name used in `hoplint.toml` `[nginx] modules`.
    pub fn config_name(self) -> &'static str {
        match self {
            ThirdParty::Lua => "lua",
            ThirdParty::HeadersMore => "headers-more",
            ThirdParty::Njs => "njs",
        }
    }

    pub fn from_config_name(name: &str) -> Option<Self> {
        match name {
            "lua" | "ngx_http_lua_module" | "ngx_stream_lua_module" | "lua-nginx-module" => Some(ThirdParty::Lua),
            "headers-more" | "headers_more" | "ngx_http_headers_more_filter_module" => Some(ThirdParty::HeadersMore),
            "njs" | "js" | "ngx_http_js_module" | "ngx_stream_js_module" => Some(ThirdParty::Njs),
            _ => None,
        }
    }
}

/// Whether a module is compiled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// Built by default, core, or provided by the OS.
    Default,
    /// Needs this `./configure` flag (`--with-http_v2_module`).
    WithFlag(&'static str),
    /// A third-party module: needs `[nginx] modules` or `load_module`.
    ThirdParty(ThirdParty),
    /// Removed before the newest release; no build note recorded.
    Unlisted,
}

/// What the body of a block directive holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockBody {
    /// Ordinary directives.
    Directives,
    /// Lines read by the directive's own handler (`map`, `types`, `geo`…).
    Custom,
    /// Lua code (`*_by_lua_block`).
    Lua,
}

/// One (directive, module) row of the table.
#[derive(Debug)]
pub struct DirectiveRow {
    pub name: &'static str,
    pub module: &'static str,
    /// `None` for third-party rows (no nginx version applies).
    pub first: Option<Version>,
    pub last: Option<Version>,
    /// Release ranges in which the directive was missing.
    pub absent: &'static [(Version, Version)],
    /// The shape at the newest release that has the directive.
    pub current: Shape,
    pub periods: &'static [Period],
    pub build: Build,
    pub block_body: BlockBody,
    /// `Some(replacement)` for obsolete directives (replacement may be empty).
    pub obsolete: Option<&'static str>,
    /// Where the row was read from (`file:line@tag`).
    pub source: &'static str,
}

impl DirectiveRow {
    /// Whether the directive exists in release `v`.
    pub fn exists_in(&self, v: Version) -> bool {
        self.first.is_none_or(|f| f <= v)
            && self.last.is_none_or(|l| v <= l)
            && !self.absent.iter().any(|(lo, hi)| *lo <= v && v <= *hi)
    }

    /// Contexts and arguments in release `v`.
    pub fn shape_at(&self, v: Version) -> &Shape {
        self.periods.iter().find(|p| p.from <= v && v <= p.to).map_or(&self.current, |p| &p.shape)
    }

    pub fn third_party(&self) -> Option<ThirdParty> {
        match self.build {
            Build::ThirdParty(t) => Some(t),
            _ => None,
        }
    }
}

/// Every row for `name` (one per module that defines it).
pub fn lookup(name: &str) -> &'static [DirectiveRow] {
    // Every rule asks for every directive: a hash index, built once, instead
    // of a binary search of string comparisons per call (BENCHMARKS.md).
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, std::ops::Range<usize>>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: std::collections::HashMap<&'static str, std::ops::Range<usize>> =
            std::collections::HashMap::new();
        for (i, row) in DIRECTIVES.iter().enumerate() {
            index.entry(row.name).and_modify(|r| r.end = i + 1).or_insert(i..i + 1);
        }
        index
    });
    index.get(name).map_or(&[], |range| &DIRECTIVES[range.clone()])
}

/// All rows, sorted by name.
pub fn all() -> &'static [DirectiveRow] {
    DIRECTIVES
}

/// The `./configure` flags of the official nginx.org packages and Docker
/// image (`nginx -V` of nginx:1.25+; `--with-http_v3_module` since 1.25.0).
/// Modules shipped there only as loadable packages (geoip, `image_filter`,
/// perl, xslt, njs) are not listed: they need `load_module`.
pub fn in_official_build(flag: &str, v: Version) -> bool {
    const FLAGS: &[&str] = &[
        "--with-compat",
        "--with-file-aio",
        "--with-threads",
        "--with-http_addition_module",
        "--with-http_auth_request_module",
        "--with-http_dav_module",
        "--with-http_flv_module",
        "--with-http_gunzip_module",
        "--with-http_gzip_static_module",
        "--with-http_mp4_module",
        "--with-http_random_index_module",
        "--with-http_realip_module",
        "--with-http_secure_link_module",
        "--with-http_slice_module",
        "--with-http_ssl_module",
        "--with-http_stub_status_module",
        "--with-http_sub_module",
        "--with-http_v2_module",
        "--with-mail",
        "--with-mail_ssl_module",
        "--with-stream",
        "--with-stream_realip_module",
        "--with-stream_ssl_module",
        "--with-stream_ssl_preread_module",
        "--with-pcre",
    ];
    FLAGS.contains(&flag) || (flag == "--with-http_v3_module" && v >= Version::new(1, 25, 0))
}

/// The module a `load_module modules/ngx_http_geoip_module.so;` line loads,
/// as the configure flag or third-party module it stands for.
pub fn loadable_module(path: &str) -> Option<LoadedModule> {
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".so")?;
    if let Some(t) = ThirdParty::from_config_name(stem) {
        return Some(LoadedModule::ThirdParty(t));
    }
    let bare = stem.strip_prefix("ngx_")?;
    Some(LoadedModule::Flag(format!("--with-{bare}")))
}

/// A module made available by `load_module` or `[nginx] modules`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LoadedModule {
    Flag(String),
    ThirdParty(ThirdParty),
}

/// Closest directive names to `name` for did-you-mean (edit distance ≤ 2,
/// or ≤ 3 for long names), best first.
pub fn similar_names(name: &str) -> Vec<&'static str> {
    let limit = if name.len() > 12 { 3 } else { 2 };
    let mut found: Vec<(usize, &'static str)> = DIRECTIVES
        .iter()
        .map(|row| row.name)
        .filter(|candidate| candidate.len().abs_diff(name.len()) <= limit)
        .map(|candidate| (crate::text::edit_distance(name, candidate), candidate))
        .filter(|(d, _)| *d <= limit)
        .collect();
    found.sort_unstable();
    found.dedup_by_key(|(_, n)| *n);
    found.into_iter().map(|(_, n)| n).take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalive_changed_arguments_over_time() {
        let row = lookup("keepalive").iter().find(|r| r.module == "ngx_http_upstream_keepalive_module").unwrap();
        assert!(row.shape_at(Version::new(1, 24, 0)).args.accepts(1));
        assert!(!row.shape_at(Version::new(1, 24, 0)).args.accepts(2));
        assert!(row.shape_at(Version::new(1, 29, 7)).args.accepts(2));
        assert!(row.shape_at(Version::new(1, 24, 0)).contexts.contains(Context::Upstream));
    }

    #[test]
    fn lookup_finds_every_module_row() {
        assert_eq!(lookup("server").len(), 5);
        assert!(lookup("no_such_directive").is_empty());
        assert!(!lookup("ssl").iter().any(|r| r.exists_in(Version::new(1, 26, 0))));
    }

    #[test]
    fn load_module_paths() {
        assert_eq!(
            loadable_module("modules/ngx_http_geoip_module.so"),
            Some(LoadedModule::Flag("--with-http_geoip_module".into()))
        );
        assert_eq!(
            loadable_module("/usr/lib/nginx/modules/ngx_http_lua_module.so"),
            Some(LoadedModule::ThirdParty(ThirdParty::Lua))
        );
    }
}
