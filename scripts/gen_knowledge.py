#!/usr/bin/env python3
"""Generate src/knowledge/*_data.rs from the shared data tables.

Usage: scripts/gen_knowledge.py [SHARED_DATA_DIR] [--check]

The shared tables (../shared/data by default) are never read at build time; this
script turns them into committed Rust source. `--check` exits 1 when the committed
files differ from what the tables produce (tests/knowledge.rs runs it that way).
"""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "src", "knowledge", "nginx_directives_data.rs")
DEFAULTS_OUT = os.path.join(REPO, "src", "knowledge", "defaults_data.rs")

VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")

CONTEXT_BITS = [
    "main", "events", "http", "server", "location", "upstream", "sif", "lif",
    "lmt", "mail", "mail_server", "stream", "stream_server", "stream_upstream", "any",
]

THIRD_PARTY = {
    "ngx_http_lua_module (third-party)": "Lua",
    "ngx_stream_lua_module (third-party)": "Lua",
    "ngx_http_js_module (third-party)": "Njs",
    "ngx_stream_js_module (third-party)": "Njs",
    "ngx_http_js_core_module (third-party)": "Njs",
    "ngx_stream_js_core_module (third-party)": "Njs",
    "ngx_http_headers_more_filter_module (third-party)": "HeadersMore",
}


def version(text):
    text = text.strip().lstrip("<=")
    m = VERSION_RE.match(text)
    if not m:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(x) for x in m.groups())


def rust_version(v):
    return f"Version::new({v[0]}, {v[1]}, {v[2]})"


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def contexts_expr(text):
    bits = 0
    for name in text.split(","):
        name = name.strip()
        if not name:
            continue
        bits |= 1 << CONTEXT_BITS.index(name)
    return f"Contexts({bits:#06x})"


def args_expr(text):
    """Turn the table's args notation into an ArgSpec literal."""
    block = text.endswith("+block")
    if block:
        text = text[: -len("+block")]
    counts = 0
    more_from = "None"
    flag = False
    if text == "flag":
        counts = 1 << 1
        flag = True
    elif text == "any":
        more_from = "Some(0)"
    elif text.startswith(">="):
        more_from = f"Some({int(text[2:])})"
    elif "|" in text:
        for part in text.split("|"):
            counts |= 1 << int(part)
    elif "-" in text:
        lo, hi = (int(x) for x in text.split("-"))
        for n in range(lo, hi + 1):
            counts |= 1 << n
    else:
        counts = 1 << int(text)
    return (
        f"ArgSpec {{ counts: {counts:#06x}, more_from: {more_from}, "
        f"flag: {str(flag).lower()}, block: {str(block).lower()} }}"
    )


def slot_expr(slot):
    if slot is None:
        return "Slot::Other"
    if slot.startswith("handler:"):
        return "Slot::Handler"
    return {
        "time_ms": "Slot::TimeMs",
        "time_s": "Slot::TimeS",
        "size": "Slot::Size",
        "offset": "Slot::Offset",
        "number": "Slot::Number",
        "flag": "Slot::Flag",
        "enum": "Slot::Enum",
        "bitmask": "Slot::Bitmask",
        "string": "Slot::String",
        "string_array": "Slot::StringArray",
        "keyval": "Slot::KeyVal",
        "bufs": "Slot::Bufs",
        "path": "Slot::Path",
        "access": "Slot::Access",
        "complex_value": "Slot::ComplexValue",
        "complex_value_size": "Slot::ComplexValueSize",
    }.get(slot, "Slot::Other")


def values_expr(values):
    if not values:
        return "&[]"
    return "&[" + ", ".join(rust_str(v) for v in values.split("|")) + "]"


def shape_expr(ctx, args, slot, values):
    return (
        f"Shape {{ contexts: {contexts_expr(ctx)}, args: {args_expr(args)}, "
        f"slot: {slot_expr(slot)}, values: {values_expr(values)} }}"
    )


def parse_notes(notes):
    out = {"flags": set()}
    # history= and the slot's values= may contain ';'-free text with '|', so split on '; '
    for item in notes.split("; "):
        item = item.strip()
        if "=" in item:
            key, _, value = item.partition("=")
            out[key] = value
        elif item:
            out["flags"].add(item)
    return out


HISTORY_ITEM = re.compile(
    r"(?P<from>[\d.]+)\.\.(?P<to>[\d.]+): ctx=(?P<ctx>\S+) args=(?P<args>\S+) slot=(?P<slot>\S+)(?: values=(?P<values>\S+))?"
)


def build_expr(build, module):
    if module in THIRD_PARTY:
        return f"Build::ThirdParty(ThirdParty::{THIRD_PARTY[module]})"
    if build is None:
        return "Build::Unlisted"
    m = re.match(r"not built by default \((--with-[^,)]+)", build)
    if m:
        return f"Build::WithFlag({rust_str(m.group(1))})"
    if build.startswith("not built by default"):
        return "Build::WithFlag(\"\")"
    if build == "built with --with-stream":
        return 'Build::WithFlag("--with-stream")'
    if build == "built with --with-mail":
        return 'Build::WithFlag("--with-mail")'
    return "Build::Default"


def block_expr(notes):
    content = notes.get("block_content", "")
    if content.startswith("custom"):
        return "BlockBody::Custom"
    if content.startswith("lua"):
        return "BlockBody::Lua"
    return "BlockBody::Directives"


def generate(data_dir):
    rows = []
    versions = set()
    with open(os.path.join(data_dir, "nginx-directives.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header == ["directive", "module", "contexts", "args", "first_version", "last_version", "notes"], header
        for line in f:
            name, module, ctx, args, first, last, notes = line.rstrip("\n").split("\t")
            rows.append((name, module, ctx, args, first, last, parse_notes(notes)))
            for v in (first, last):
                if v:
                    versions.add(version(v))
            for m in re.finditer(r"(\d+\.\d+\.\d+)\.\.(\d+\.\d+\.\d+)", line):
                versions.update((version(m.group(1)), version(m.group(2))))
    with open(os.path.join(data_dir, "nginx-defaults.tsv"), encoding="utf-8") as f:
        f.readline()
        for line in f:
            cols = line.rstrip("\n").split("\t")
            for v in (cols[4], cols[5]):
                if v:
                    versions.add(version(v))

    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    out.append("// @generated by scripts/gen_knowledge.py from ../shared/data/nginx-directives.tsv")
    out.append("// and ../shared/data/nginx-defaults.tsv (sources: nginx/nginx release tags 1.0.0..1.31.4,")
    out.append("// openresty/lua-nginx-module, stream-lua-nginx-module, headers-more-nginx-module, nginx/njs).")
    out.append("// Do not edit by hand: rerun the script.")
    out.append("")
    out.append("use super::nginx_directives::{ArgSpec, BlockBody, Build, Contexts, DirectiveRow, Period, Shape, Slot, ThirdParty};")
    out.append("use super::version::Version;")
    out.append("")
    out.append("/// Every nginx release number the tables mention, oldest first.")
    out.append("pub static KNOWN_VERSIONS: &[Version] = &[")
    for v in sorted(versions):
        out.append(f"    {rust_version(v)},")
    out.append("];")
    out.append("")
    out.append("/// One row per (directive, module), sorted by directive name.")
    out.append("pub static DIRECTIVES: &[DirectiveRow] = &[")
    for name, module, ctx, args, first, last, notes in rows:
        slot = notes.get("slot")
        values = notes.get("values")
        current = shape_expr(ctx, args, slot, values)
        periods = []
        if "history" in notes:
            for item in notes["history"].split(" | "):
                m = HISTORY_ITEM.match(item.strip())
                if not m:
                    raise ValueError(f"{name}: cannot read history item {item!r}")
                periods.append(
                    f"Period {{ from: {rust_version(version(m['from']))}, to: {rust_version(version(m['to']))}, "
                    f"shape: {shape_expr(m['ctx'], m['args'], m['slot'], m['values'])} }}"
                )
        absent = []
        if "absent_in" in notes:
            for rng in notes["absent_in"].split(","):
                lo, _, hi = rng.strip().partition("..")
                absent.append(f"({rust_version(version(lo))}, {rust_version(version(hi))})")
        obsolete = "None"
        # `obsolete; use X` is split by '; ' into two items: 'obsolete' and 'use X'
        if "obsolete" in notes["flags"]:
            uses = [f for f in notes["flags"] if f.startswith("use ")]
            obsolete = f"Some({rust_str(uses[0][4:] if uses else '')})"
        out.append("    DirectiveRow {")
        out.append(f"        name: {rust_str(name)},")
        out.append(f"        module: {rust_str(module.replace(' (third-party)', ''))},")
        out.append(f"        first: {('Some(' + rust_version(version(first)) + ')') if first else 'None'},")
        out.append(f"        last: {('Some(' + rust_version(version(last)) + ')') if last else 'None'},")
        out.append(f"        absent: &[{', '.join(absent)}],")
        out.append(f"        current: {current},")
        out.append(f"        periods: &[{', '.join(periods)}],")
        out.append(f"        build: {build_expr(notes.get('build'), module)},")
        out.append(f"        block_body: {block_expr(notes)},")
        out.append(f"        obsolete: {obsolete},")
        out.append(f"        source: {rust_str(notes.get('src', ''))},")
        out.append("    },")
    out.append("];")
    return "\n".join(out) + "\n"


def optional_version(text):
    text = text.strip()
    if not text:
        return "None"
    return "Some(" + rust_version(version(text)) + ")"


def ingress_version(text):
    """`1.9.0-beta.0` stands for 1.9.0 (data/README.md)."""
    return rust_version(version(text.split("-")[0]))


def generate_defaults(data_dir):
    out = []
    out.append("// @generated by scripts/gen_knowledge.py from ../shared/data/nginx-defaults.tsv (nginx/nginx")
    out.append("// release tags 1.18.0..1.31.4) and ../shared/data/ingress-nginx-configmap-defaults-history.tsv")
    out.append("// (kubernetes/ingress-nginx 0.20.0..controller-v1.15.1). Do not edit by hand: rerun the script.")
    out.append("")
    out.append("use super::defaults::{IngressDefaultRow, NginxDefaultRow};")
    out.append("use super::version::Version;")
    out.append("")
    out.append("/// nginx defaults, one row per version range in which the default does not change.")
    out.append("pub static NGINX_DEFAULTS: &[NginxDefaultRow] = &[")
    with open(os.path.join(data_dir, "nginx-defaults.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header[:7] == ["directive", "context", "default", "source_value", "from_version", "to_version", "source"], header
        for line in f:
            cols = line.rstrip("\n").split("\t")
            directive, context, default, _, start, end, source = cols[:7]
            out.append(
                f"    NginxDefaultRow {{ directive: {rust_str(directive)}, contexts: {rust_str(context)}, "
                f"default: {rust_str(default)}, from: {optional_version(start)}, to: {optional_version(end)}, "
                f"source: {rust_str(source)} }},"
            )
    out.append("];")
    out.append("")
    out.append("/// ingress-nginx ConfigMap defaults: a row at each scanned release and wherever the default changed.")
    out.append("pub static INGRESS_DEFAULTS: &[IngressDefaultRow] = &[")
    with open(os.path.join(data_dir, "ingress-nginx-configmap-defaults-history.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header[:5] == ["key", "version", "source_ref", "default", "source"], header
        for line in f:
            key, ver, ref, default, source = line.rstrip("\n").split("\t")[:5]
            out.append(
                f"    IngressDefaultRow {{ key: {rust_str(key)}, since: {ingress_version(ver)}, "
                f"default: {rust_str(default)}, source: {rust_str(source + '@' + ref)} }},"
            )
    out.append("];")
    return "\n".join(out) + "\n"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data_dir = args[0] if args else os.path.join(REPO, "..", "shared", "data")
    outputs = {OUT: generate(data_dir), DEFAULTS_OUT: generate_defaults(data_dir)}
    stale = []
    for path, text in outputs.items():
        if "--check" in sys.argv:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    stale.append(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        print(f"out of date: {', '.join(stale)}; run scripts/gen_knowledge.py", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
