//! The whole `hoplint::check` pipeline (discover, classify, parse, includes,
//! rules) on the generated 17 MB nginx.conf written to disk, and on the
//! shared corpus directory.
//!
//! `cargo bench --bench check`; see BENCHMARKS.md.

// As in the binary (src/main.rs): the numbers measure what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use hoplint::check::ConfigChoice;
use hoplint::{CheckOptions, check};

#[path = "gen_big.rs"]
mod gen_big;

fn options(path: PathBuf) -> CheckOptions {
    CheckOptions {
        paths: vec![path],
        nginx_version: Some("1.24".into()),
        config: ConfigChoice::None,
        ..CheckOptions::default()
    }
}

fn check_big(c: &mut Criterion, path: &Path, len: usize) {
    let opts = options(path.to_path_buf());
    let report = check(&opts);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.files_parsed, 1);
    println!("check/big_17mb: {} bytes, {} diagnostics", len, report.diagnostics.len());
    drop(report);

    let throughput = Throughput::Bytes(u64::try_from(len).expect("fits"));
    bench_check(c, "big_17mb", &opts, Duration::from_secs(15), Some(throughput));
}

/// Times `check` on `opts`: 10 flat samples after a 2 s warm-up.
fn bench_check(c: &mut Criterion, name: &str, opts: &CheckOptions, measure: Duration, throughput: Option<Throughput>) {
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(measure);
    if let Some(throughput) = throughput {
        group.throughput(throughput);
    }
    group.bench_function(name, |b| b.iter(|| check(black_box(opts))));
    group.finish();
}

fn check_corpus(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        println!("check/corpus: skipped, {} is absent", dir.display());
        return;
    }
    let opts = options(dir);
    let report = check(&opts);
    println!(
        "check/corpus: {} files read, {} files parsed, {} diagnostics, {} run errors",
        report.files.len(),
        report.files_parsed,
        report.diagnostics.len(),
        report.errors.len()
    );
    drop(report);

    bench_check(c, "corpus", &opts, Duration::from_secs(10), None);
}

fn main() {
    let (path, src) = gen_big::write_big_config();
    let mut c = Criterion::default().configure_from_args();
    check_big(&mut c, &path, src.len());
    drop(src);
    check_corpus(&mut c);
    c.final_summary();
}
