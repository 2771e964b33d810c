//! A seeded generator of news-like corpora with planted near-duplicates,
//! rewritten recaps and boilerplate, and the truth about them.
//!
//! Tests and benchmarks use it so that nothing large is committed and a
//! user's clone needs no outside data. It does no I/O and depends only on
//! its [`Spec`]: the same spec gives the same bytes on every platform.
//!
//! The text is pseudo-English: words are built from syllables and drawn
//! with a Zipf-like bias, so word and shingle frequencies look like those
//! of real text without any word list.

use crate::shingle::mix;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Number of documents.
    pub docs: usize,
    /// Typical words per article body.
    pub words: usize,
    /// Share of documents that are edited copies of another.
    pub dup_fraction: f64,
    /// Largest share of words an edited copy changes (each copy draws a
    /// rate between 0 and this).
    pub max_edit_rate: f64,
    /// Share of originals that end with a rewritten recap of one of their
    /// own paragraphs.
    pub recap_fraction: f64,
    /// Number of outlets, each with its own footer lines.
    pub outlets: usize,
    /// The seed.
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            docs: 100,
            words: 300,
            dup_fraction: 0.25,
            max_edit_rate: 0.1,
            recap_fraction: 0.1,
            outlets: 5,
            seed: 1,
        }
    }
}

/// A generated document.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Doc {
    /// `doc-NNNNN`.
    pub id: String,
    /// The text: headline, byline, paragraphs, footer; lines separated by
    /// blank lines.
    pub text: String,
    /// Documents of one family are an original and its edited copies.
    pub family: usize,
}

/// A recap paragraph planted in a document, and the paragraph it rewrites.
/// Spans are byte offsets into the document's text.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Recap {
    /// Index of the document.
    pub doc: usize,
    /// The recap paragraph.
    pub recap: (usize, usize),
    /// The paragraph it rewrites.
    pub source: (usize, usize),
}

/// A generated corpus and its truth.
#[derive(Clone, Debug)]
pub struct Synth {
    /// The documents, in order.
    pub docs: Vec<Doc>,
    /// Every pair of documents in one family, `(a, b)` with `a < b`, and
    /// the edit rate of the copy.
    pub pairs: Vec<(usize, usize)>,
    /// Planted recaps.
    pub recaps: Vec<Recap>,
    /// Footer lines, each used by every document of its outlet.
    pub boilerplate: Vec<String>,
}

/// A SplitMix64 stream: tiny, fast, and the same everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, n)`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
    "v", "w", "br", "cl", "dr", "gr", "pl", "st", "tr", "ch", "sh", "th", "",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"];
const CODAS: &[&str] =
    &["", "", "n", "r", "s", "t", "l", "nd", "st", "ck", "m"];

/// Size of the generated vocabulary.
const VOCAB: usize = 6000;

/// Pseudo-words, most frequent first, with a Zipf-like cumulative
/// distribution for drawing them.
struct Words {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Words {
    fn new() -> Words {
        let mut rng = Rng::new(0x5EED_5EED);
        let mut words = Vec::with_capacity(VOCAB);
        let mut seen = std::collections::HashSet::new();
        while words.len() < VOCAB {
            // Frequent words are short, as in real text.
            let syllables = 1
                + usize::from(words.len() > 60)
                + usize::from(words.len() > 800)
                + rng.below(2);
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(ONSETS[rng.below(ONSETS.len())]);
                w.push_str(VOWELS[rng.below(VOWELS.len())]);
                w.push_str(CODAS[rng.below(CODAS.len())]);
            }
            if w.len() > 1 && seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cdf = Vec::with_capacity(VOCAB);
        let mut total = 0.0;
        for rank in 1..=VOCAB {
            total += 1.0 / (rank as f64).powf(1.05);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Words { words, cdf }
    }

    fn draw(&self, rng: &mut Rng) -> &str {
        let u = rng.unit();
        let i = self.cdf.partition_point(|&c| c < u).min(VOCAB - 1);
        &self.words[i]
    }

    /// A fixed stand-in for `word`: what a rewriter would put instead.
    fn synonym(&self, word: &str) -> &str {
        let h = xxhash_rust::xxh3::xxh3_64(word.as_bytes());
        &self.words[100 + (h % (VOCAB as u64 - 100)) as usize]
    }
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sentence(words: &Words, rng: &mut Rng) -> Vec<String> {
    let n = 8 + rng.below(14);
    (0..n).map(|_| words.draw(rng).to_string()).collect()
}

fn render_paragraph(sentences: &[Vec<String>]) -> String {
    let mut out = String::new();
    for s in sentences {
        if !out.is_empty() {
            out.push(' ');
        }
        for (i, w) in s.iter().enumerate() {
            if i == 0 {
                out.push_str(&capitalize(w));
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push('.');
    }
    out
}

/// An article before rendering: paragraphs of sentences of words.
#[derive(Clone)]
struct Article {
    headline: Vec<String>,
    byline: String,
    body: Vec<Vec<Vec<String>>>,
    outlet: usize,
}

fn write_article(
    words: &Words,
    rng: &mut Rng,
    target: usize,
    outlets: usize,
) -> Article {
    let headline =
        (0..5 + rng.below(5)).map(|_| words.draw(rng).to_string()).collect();
    let byline = format!(
        "By {} {}",
        capitalize(words.draw(rng)),
        capitalize(&words.words[300 + rng.below(2000)])
    );
    let mut body = Vec::new();
    let mut count = 0;
    let target = target / 2 + rng.below(target + 1);
    while count < target.max(20) {
        let para: Vec<Vec<String>> =
            (0..2 + rng.below(4)).map(|_| sentence(words, rng)).collect();
        count += para.iter().map(Vec::len).sum::<usize>();
        body.push(para);
    }
    Article { headline, byline, body, outlet: rng.below(outlets.max(1)) }
}

/// Changes about `rate` of the body's words: substitutions, deletions and
/// insertions in equal parts.
fn edit(article: &mut Article, words: &Words, rng: &mut Rng, rate: f64) {
    for para in &mut article.body {
        for s in para.iter_mut() {
            let mut out = Vec::with_capacity(s.len() + 2);
            for w in s.drain(..) {
                if rng.chance(rate) {
                    match rng.below(3) {
                        0 => out.push(words.draw(rng).to_string()),
                        1 => {}
                        _ => {
                            out.push(w);
                            out.push(words.draw(rng).to_string());
                        }
                    }
                } else {
                    out.push(w);
                }
            }
            if out.is_empty() {
                out.push(words.draw(rng).to_string());
            }
            *s = out;
        }
    }
}

/// A paraphrase of a paragraph: synonyms for a third of the words, a few
/// dropped, neighbours swapped now and then.
fn rewrite(
    para: &[Vec<String>],
    words: &Words,
    rng: &mut Rng,
) -> Vec<Vec<String>> {
    para.iter()
        .map(|s| {
            let mut out: Vec<String> = Vec::with_capacity(s.len());
            for w in s {
                let r = rng.unit();
                if r < 0.30 {
                    out.push(words.synonym(w).to_string());
                } else if r < 0.38 {
                    continue;
                } else {
                    out.push(w.clone());
                }
                if out.len() > 1 && rng.chance(0.12) {
                    let n = out.len();
                    out.swap(n - 1, n - 2);
                }
            }
            if out.is_empty() {
                out.push(words.draw(rng).to_string());
            }
            out
        })
        .collect()
}

fn footer(outlet: usize, words: &Words) -> Vec<String> {
    let name = format!(
        "{} {}",
        capitalize(&words.words[500 + outlet * 7]),
        capitalize(&words.words[900 + outlet * 11])
    );
    vec![
        format!(
            "Subscribe to the {name} for unlimited access to local news, sports and weather."
        ),
        format!("Copyright 2026 {name}. All rights reserved."),
    ]
}

/// Renders an article; returns the text and the byte span of each body
/// paragraph.
fn render(article: &Article, words: &Words) -> (String, Vec<(usize, usize)>) {
    let headline: Vec<String> =
        article.headline.iter().map(|w| capitalize(w)).collect();
    let mut text = headline.join(" ");
    text.push_str("\n\n");
    text.push_str(&article.byline);
    let mut spans = Vec::new();
    for para in &article.body {
        text.push_str("\n\n");
        let start = text.len();
        text.push_str(&render_paragraph(para));
        spans.push((start, text.len()));
    }
    for line in footer(article.outlet, words) {
        text.push_str("\n\n");
        text.push_str(&line);
    }
    text.push('\n');
    (text, spans)
}

/// Generates a corpus.
pub fn generate(spec: &Spec) -> Synth {
    let words = Words::new();
    let mut rng = Rng::new(spec.seed);
    let mut docs: Vec<Doc> = Vec::with_capacity(spec.docs);
    let mut articles: Vec<Article> = Vec::with_capacity(spec.docs);
    let mut recaps = Vec::new();
    let mut families: Vec<Vec<usize>> = Vec::new();
    while docs.len() < spec.docs {
        let i = docs.len();
        let copy = i > 0 && rng.chance(spec.dup_fraction);
        let (mut article, family) = if copy {
            let src = rng.below(i);
            let mut a = articles[src].clone();
            let rate = rng.unit() * spec.max_edit_rate;
            edit(&mut a, &words, &mut rng, rate);
            if rng.chance(0.3) {
                a.outlet = rng.below(spec.outlets.max(1));
            }
            (a, docs[src].family)
        } else {
            families.push(Vec::new());
            (
                write_article(&words, &mut rng, spec.words, spec.outlets),
                families.len() - 1,
            )
        };
        let mut recap_of = None;
        if !copy && article.body.len() > 2 && rng.chance(spec.recap_fraction) {
            let source = rng.below(article.body.len() - 1);
            let para = rewrite(&article.body[source], &words, &mut rng);
            article.body.push(para);
            recap_of = Some(source);
        }
        let (text, spans) = render(&article, &words);
        if let Some(source) = recap_of {
            recaps.push(Recap {
                doc: i,
                recap: spans[spans.len() - 1],
                source: spans[source],
            });
        }
        families[family].push(i);
        docs.push(Doc { id: format!("doc-{i:05}"), text, family });
        articles.push(article);
    }
    let mut pairs = Vec::new();
    for f in &families {
        for (x, &a) in f.iter().enumerate() {
            for &b in &f[x + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    let mut boilerplate: Vec<String> =
        (0..spec.outlets.max(1)).flat_map(|o| footer(o, &words)).collect();
    boilerplate.sort();
    Synth { docs, pairs, recaps, boilerplate }
}

/// `docs` documents of about `words` words, a quarter of them edited
/// copies: the quick way to get test input.
pub fn corpus(docs: usize, words: usize, seed: u64) -> Vec<String> {
    let spec = Spec { docs, words, seed, ..Spec::default() };
    generate(&spec).docs.into_iter().map(|d| d.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_spec_same_corpus() {
        let spec = Spec { docs: 30, ..Spec::default() };
        let a = generate(&spec);
        let b = generate(&spec);
        assert_eq!(a.docs, b.docs);
        assert_eq!(a.pairs, b.pairs);
        let other = generate(&Spec { seed: 2, ..spec });
        assert_ne!(a.docs, other.docs);
    }

    #[test]
    fn truth_is_consistent() {
        let s = generate(&Spec {
            docs: 200,
            recap_fraction: 0.5,
            ..Spec::default()
        });
        assert_eq!(s.docs.len(), 200);
        assert!(!s.pairs.is_empty() && !s.recaps.is_empty());
        for &(a, b) in &s.pairs {
            assert!(a < b && s.docs[a].family == s.docs[b].family);
        }
        for r in &s.recaps {
            let text = &s.docs[r.doc].text;
            assert!(r.source.1 <= r.recap.0 && r.recap.1 <= text.len());
            assert!(
                text.is_char_boundary(r.recap.0)
                    && text.is_char_boundary(r.source.0)
            );
        }
        for line in &s.boilerplate {
            assert!(s.docs.iter().any(|d| d.text.contains(line.as_str())));
        }
    }

    #[test]
    fn pinned_output() {
        // Tests and benchmarks rely on stable corpora: a change here changes
        // their inputs.
        let text = &corpus(1, 20, 7)[0];
        assert_eq!(
            xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            1289277292673085144
        );
    }
}
