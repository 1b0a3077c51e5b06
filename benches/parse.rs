//! Parser throughput: `hoplint::syntax::nginx::parse` on the generated 17 MB
//! nginx.conf (one thread; with and without freeing the tree), and on every
//! file of the shared nginx corpus.
//!
//! `cargo bench --bench parse`; see BENCHMARKS.md.

// As in the binary (src/main.rs): the numbers measure what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use hoplint::syntax::nginx::parse;

#[path = "gen_big.rs"]
mod gen_big;

/// The shared corpus of real nginx files (outside the repository).
fn corpus_nginx_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/nginx")
}

fn bytes(n: usize) -> Throughput {
    Throughput::Bytes(u64::try_from(n).expect("input fits in u64"))
}

fn parse_big(c: &mut Criterion) {
    let src = gen_big::big_config(gen_big::SERVERS);
    // The generated file is valid nginx: the parser must agree, and the tree
    // must give the text back.
    let file = parse(&src);
    assert!(file.errors.is_empty(), "{:?}", &file.errors[..1]);
    let mut round_trip = String::with_capacity(src.len());
    file.write_source(&src, &mut round_trip);
    assert!(round_trip == src, "the tree does not rebuild the input");
    drop(file);

    let mut group = c.benchmark_group("parse");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .throughput(bytes(src.len()));
    // Parse and free the tree, as a one-shot caller does.
    group.bench_function("big_17mb", |b| b.iter(|| parse(black_box(&src))));
    // Parse only: the tree is dropped outside the timed region.
    group.bench_function("big_17mb_keep_tree", |b| {
        b.iter_batched(|| (), |()| parse(black_box(&src)), BatchSize::PerIteration);
    });
    group.finish();
}

fn parse_corpus(c: &mut Criterion) {
    let dir = corpus_nginx_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("parse/corpus_nginx: skipped, {} is absent", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    // The parser takes text; the few non-UTF-8 bytes in the corpus are
    // replaced, which does not change the token structure.
    let sources: Vec<String> =
        paths.iter().filter_map(|p| std::fs::read(p).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()).collect();
    let total: usize = sources.iter().map(String::len).sum();
    println!("parse/corpus_nginx: {} files, {total} bytes", sources.len());

    let mut group = c.benchmark_group("parse");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(bytes(total));
    group.bench_function("corpus_nginx", |b| {
        b.iter(|| {
            for src in &sources {
                black_box(parse(black_box(src)));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, parse_big, parse_corpus);
criterion_main!(benches);
