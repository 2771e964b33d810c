//! Criterion benchmarks: one group per stage and end to end, on corpora
//! from the in-crate generator at two sizes, so that the growth of cost is
//! visible. Throughput is reported in bytes per second.
//!
//! ```text
//! cargo bench                                   # everything
//! cargo bench -- tokenize                       # one group
//! cargo bench -- --save-baseline main           # then, on a branch:
//! cargo bench -- --baseline main
//! ```
//!
//! CI only runs each benchmark once (`cargo test --benches`).

use criterion::{
    BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use std::hint::black_box;

use rehash::config::SEED;
use rehash::lsh::{Banding, candidate_pairs};
use rehash::minhash::{MinHasher, Signatures};
use rehash::profile::Profiler;
use rehash::shingle::for_each_window;
use rehash::synth::{Spec, generate};
use rehash::tokenize::Tokenizer;
use rehash::verify::{make_set, overlap};
use rehash::{Config, Corpus, Pipeline, UnitChoice};

/// Corpus sizes, in documents, for the benchmarks that show growth.
const SIZES: [usize; 2] = [300, 3000];

fn texts(docs: usize) -> Vec<String> {
    generate(&Spec { docs, words: 400, seed: 42, ..Spec::default() })
        .docs
        .into_iter()
        .map(|d| d.text)
        .collect()
}

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn sets(texts: &[String]) -> Vec<Vec<u32>> {
    let mut p = Profiler::new(SEED, UnitChoice::Auto, 5);
    texts
        .iter()
        .map(|t| {
            let mut s = p.profile(t.as_bytes()).shingles;
            make_set(&mut s);
            s
        })
        .collect()
}

fn signatures(sets: &[Vec<u32>]) -> Signatures {
    let mut sigs = Signatures::zeroed(sets.len(), 128);
    let mut h = MinHasher::new(128, SEED);
    for (set, slot) in sets.iter().zip(sigs.chunks_mut()) {
        h.sign_into(set.iter().copied(), slot);
    }
    sigs
}

fn tokenize(c: &mut Criterion) {
    let texts = texts(SIZES[0]);
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    g.bench_function("words", |b| {
        let mut t = Tokenizer::new(SEED);
        let mut out = Vec::new();
        b.iter(|| {
            for text in &texts {
                out.clear();
                t.hashes(text.as_bytes(), UnitChoice::Auto, &mut out);
            }
            black_box(out.len())
        })
    });
    g.finish();
}

fn shingle(c: &mut Criterion) {
    let texts = texts(SIZES[0]);
    let mut t = Tokenizer::new(SEED);
    let hashes: Vec<Vec<u64>> = texts
        .iter()
        .map(|x| {
            let mut v = Vec::new();
            t.hashes(x.as_bytes(), UnitChoice::Auto, &mut v);
            v
        })
        .collect();
    let mut g = c.benchmark_group("shingle");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    for k in [3, 5, 9] {
        g.bench_with_input(BenchmarkId::new("k", k), &k, |b, &k| {
            b.iter(|| {
                let mut acc = 0u64;
                for h in &hashes {
                    for_each_window(h, k, |_, x| acc ^= x);
                }
                black_box(acc)
            })
        });
    }
    g.finish();
}

fn minhash(c: &mut Criterion) {
    let texts = texts(SIZES[0]);
    let sets = sets(&texts);
    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    for num_perm in [64, 128, 256] {
        g.bench_with_input(
            BenchmarkId::new("num_perm", num_perm),
            &num_perm,
            |b, &m| {
                let mut h = MinHasher::new(m, SEED);
                let mut out = vec![0; m];
                b.iter(|| {
                    for s in &sets {
                        h.sign_into(s.iter().copied(), &mut out);
                    }
                    black_box(out[0])
                })
            },
        );
    }
    g.finish();
}

fn lsh(c: &mut Criterion) {
    let mut g = c.benchmark_group("lsh");
    for docs in SIZES {
        let sigs = signatures(&sets(&texts(docs)));
        let ids: Vec<u32> = (0..docs as u32).collect();
        g.throughput(Throughput::Elements(docs as u64));
        g.bench_with_input(BenchmarkId::new("docs", docs), &docs, |b, _| {
            b.iter(|| {
                black_box(candidate_pairs(
                    &sigs,
                    &ids,
                    Banding { bands: 21, rows: 6 },
                    1000,
                ))
            })
        });
    }
    g.finish();
}

fn verify(c: &mut Criterion) {
    let texts = texts(SIZES[0]);
    let sets = sets(&texts);
    let pairs: Vec<(usize, usize)> = (0..sets.len())
        .flat_map(|a| (a + 1..sets.len()).map(move |b| (a, b)))
        .take(20_000)
        .collect();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("pairs", |b| {
        b.iter(|| {
            black_box(
                pairs
                    .iter()
                    .map(|&(x, y)| overlap(&sets[x], &sets[y]).shared)
                    .sum::<u32>(),
            )
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    for docs in SIZES {
        let texts = texts(docs);
        g.throughput(Throughput::Bytes(bytes(&texts)));
        let corpus = Corpus::from_texts(
            texts.iter().enumerate().map(|(i, t)| (i.to_string(), t.clone())),
        );
        let pipeline = Pipeline::new(Config::default());
        g.bench_with_input(BenchmarkId::new("docs", docs), &docs, |b, _| {
            b.iter(|| black_box(pipeline.run(&corpus).duplicates.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, tokenize, shingle, minhash, lsh, verify, end_to_end);
criterion_main!(benches);
