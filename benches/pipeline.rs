//! Criterion benchmarks: one group per stage and end to end, on corpora
//! from the in-crate generator at two sizes, so that the growth of cost is
//! visible. Throughput is reported in bytes per second, and for the stages
//! that work on whole documents in documents per second too.
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

use rehash::boilerplate::{self, COPY_SLOTS};
use rehash::config::SEED;
use rehash::lsh::{Banding, candidate_pairs};
use rehash::minhash::{MinHasher, Signatures};
use rehash::passage;
use rehash::profile::{DocProfile, Profiler};
use rehash::shingle::for_each_window;
use rehash::synth::{Spec, generate};
use rehash::tokenize::Tokenizer;
use rehash::verify::{make_set, overlap};
use rehash::window::TermTokenizer;
use rehash::{Config, Corpus, NoProgress, Pipeline, Role, Unit, UnitChoice};

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

/// Profiles of 5-word shingles, with the lines boilerplate detection
/// needs when `lines`.
fn profiles(texts: &[String], lines: bool) -> Vec<DocProfile> {
    let mut p = Profiler::new(SEED, UnitChoice::Auto, 5).with_lines(lines);
    texts.iter().map(|t| p.profile(t.as_bytes())).collect()
}

fn sets(texts: &[String]) -> Vec<Vec<u32>> {
    profiles(texts, false)
        .into_iter()
        .map(|p| {
            let mut s = p.shingles;
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

fn corpus(texts: &[String]) -> Corpus {
    Corpus::from_texts(
        texts.iter().enumerate().map(|(i, t)| (i.to_string(), t.clone())),
    )
}

fn both(texts: &[String]) -> Throughput {
    Throughput::ElementsAndBytes {
        elements: texts.len() as u64,
        bytes: bytes(texts),
    }
}

/// Profiles with lines, and the prose signatures of the copy check, as
/// the pipeline makes them before boilerplate detection.
fn with_lines(texts: &[String]) -> (Vec<DocProfile>, Signatures, Vec<bool>) {
    let profiles = profiles(texts, true);
    let mut prose = Signatures::zeroed(texts.len(), COPY_SLOTS);
    let mut h = MinHasher::new(COPY_SLOTS, SEED);
    let has = profiles
        .iter()
        .zip(prose.chunks_mut())
        .map(|(p, slot)| boilerplate::sign_prose(p, 5, &mut h, slot))
        .collect();
    (profiles, prose, has)
}

fn boilerplate(c: &mut Criterion) {
    let mut g = c.benchmark_group("boilerplate");
    g.sample_size(20);
    // "docs": the generated texts; "one_line": the same without line
    // breaks, where boilerplate is found by sentence.
    let inputs = SIZES.iter().flat_map(|&docs| {
        let lined = texts(docs);
        let flat = lined.iter().map(|t| t.replace('\n', " ")).collect();
        [("docs", docs, lined), ("one_line", docs, flat)]
    });
    for (name, docs, texts) in inputs {
        let (profiles, prose, has_prose) = with_lines(&texts);
        let counted = vec![true; docs];
        let settings = boilerplate::Settings {
            min_docs: 2,
            context: true,
            shingle_size: 5,
            seed: SEED,
            inline: true,
        };
        g.throughput(both(&texts));
        g.bench_with_input(BenchmarkId::new(name, docs), &docs, |b, _| {
            b.iter_batched(
                || prose.clone(),
                |prose| {
                    black_box(
                        boilerplate::detect(
                            &profiles, &counted, prose, &has_prose, &settings,
                        )
                        .boilerplate
                        .templates
                        .len(),
                    )
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn windows(c: &mut Criterion) {
    let texts = texts(SIZES[0]);
    let mut g = c.benchmark_group("windows");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    g.bench_function("terms_and_windows", |b| {
        let mut t = TermTokenizer::new(SEED);
        let (mut terms, mut windows) = (Vec::new(), Vec::new());
        b.iter(|| {
            let mut n = 0;
            for text in &texts {
                terms.clear();
                windows.clear();
                t.terms(text.as_bytes(), Unit::Word, &mut terms);
                t.windows(text.as_bytes(), &terms, &mut windows);
                n += windows.len();
            }
            black_box(n)
        })
    });
    g.finish();
}

fn passages(c: &mut Criterion) {
    let mut g = c.benchmark_group("passages");
    g.sample_size(10);
    for docs in SIZES {
        let texts = texts(docs);
        let one = [texts.join("\n\n")];
        let (one_corpus, one_profiles) = (corpus(&one), profiles(&one, false));
        let corpus = corpus(&texts);
        let profiles = profiles(&texts, false);
        let skip = vec![false; docs];
        let masked = vec![Vec::new(); docs];
        let settings = passage::Settings {
            min_similarity: 0.45,
            min_words: 6,
            max_bucket: 100,
            seed: SEED,
        };
        g.throughput(both(&texts));
        g.bench_with_input(BenchmarkId::new("docs", docs), &docs, |b, _| {
            b.iter(|| {
                let (found, _) = passage::find(
                    &corpus, &profiles, &skip, &masked, &settings,
                );
                black_box(found.len())
            })
        });
        // The steps of `find` one by one, each on the previous one's output.
        let sketch =
            || passage::Windows::new(&corpus, &profiles, &skip, &masked, SEED);
        g.bench_with_input(
            BenchmarkId::new("windows", docs),
            &docs,
            |b, _| b.iter(|| black_box(sketch().len())),
        );
        let windows = sketch();
        g.bench_with_input(
            BenchmarkId::new("candidates", docs),
            &docs,
            |b, _| {
                b.iter_batched(
                    || windows.clone(),
                    |w| black_box(w.candidates(settings.max_bucket).stats()),
                    criterion::BatchSize::LargeInput,
                )
            },
        );
        let candidates = windows.candidates(settings.max_bucket);
        g.bench_with_input(BenchmarkId::new("align", docs), &docs, |b, _| {
            b.iter(|| {
                black_box(
                    candidates.align(&corpus, &profiles, &settings).len(),
                )
            })
        });
        // The same texts as one long document (a book, or a corpus saved
        // as one file): its passages are all within it, and one thread
        // aligns them.
        g.throughput(Throughput::Bytes(bytes(&texts)));
        g.bench_with_input(
            BenchmarkId::new("one_document", docs),
            &docs,
            |b, _| {
                b.iter(|| {
                    let (found, _) = passage::find(
                        &one_corpus,
                        &one_profiles,
                        &[false],
                        &[Vec::new()],
                        &settings,
                    );
                    black_box(found.len())
                })
            },
        );
    }
    g.finish();
}

/// The whole scan at both sizes, as `--no-boilerplate --no-passages`
/// (near-duplicate documents only), `--no-passages`, and the default.
fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    let variants = [
        ("doc_level", false, false),
        ("boilerplate", true, false),
        ("default", true, true),
    ];
    for docs in SIZES {
        let texts = texts(docs);
        let corpus = corpus(&texts);
        g.throughput(both(&texts));
        for (name, boilerplate, passages) in variants {
            let config = Config::builder()
                .boilerplate(boilerplate)
                .passages(passages)
                .build()
                .expect("valid settings");
            let pipeline = Pipeline::new(config);
            g.bench_with_input(BenchmarkId::new(name, docs), &docs, |b, _| {
                b.iter(|| black_box(pipeline.run(&corpus).duplicates.len()))
            });
        }
        // `rehash check`: the first 20 documents as drafts, the rest as
        // the index, default settings.
        let roles: Vec<Role> = (0..corpus.len())
            .map(|d| if d < 20 { Role::Draft } else { Role::Index })
            .collect();
        let pipeline = Pipeline::new(Config::default());
        g.bench_with_input(
            BenchmarkId::new("check_20", docs),
            &docs,
            |b, _| {
                b.iter(|| {
                    let report = pipeline.check_with_progress(
                        &corpus,
                        &roles,
                        &NoProgress,
                    );
                    black_box(report.passages.len())
                })
            },
        );
    }
    g.finish();
}

/// `rehash clean` after its scan: the removals (near-duplicates, and with
/// `--drop-covered` documents covered by passages too), and the kept
/// documents written with their boilerplate stripped.
fn clean(c: &mut Criterion) {
    let mut g = c.benchmark_group("clean");
    for docs in SIZES {
        let texts = texts(docs);
        let corpus = corpus(&texts);
        let config =
            Config::builder().passages(false).build().expect("valid settings");
        let report = Pipeline::new(config).run(&corpus);
        g.throughput(Throughput::Elements(docs as u64));
        g.bench_with_input(
            BenchmarkId::new("removals", docs),
            &docs,
            |b, _| {
                b.iter(|| {
                    black_box(rehash::clean::removals(&report, None).len())
                })
            },
        );
        // With --drop-covered: the report has passages and overlaps.
        let with_passages = Pipeline::new(Config::default()).run(&corpus);
        g.bench_with_input(
            BenchmarkId::new("removals_covered", docs),
            &docs,
            |b, _| {
                b.iter(|| {
                    let removals =
                        rehash::clean::removals(&with_passages, Some(0.8));
                    black_box(removals.len())
                })
            },
        );
        let removals = rehash::clean::removals(&report, None);
        g.throughput(Throughput::Bytes(bytes(&texts)));
        g.bench_with_input(BenchmarkId::new("write", docs), &docs, |b, _| {
            b.iter(|| {
                let mut out = Vec::new();
                rehash::clean::write_kept(
                    &mut out, &corpus, &report, &removals, true,
                )
                .expect("writes to memory");
                black_box(out.len())
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    tokenize,
    shingle,
    minhash,
    lsh,
    verify,
    boilerplate,
    windows,
    passages,
    end_to_end,
    clean
);
criterion_main!(benches);
