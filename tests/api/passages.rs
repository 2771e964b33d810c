//! The passage stage on hand-made corpora, through `passage::find`.

use rehash::config::SEED;
use rehash::passage::{self, Passage, REPEAT_MIN_WORDS, SHORT_DOC_WINDOWS};
use rehash::profile::Profiler;
use rehash::{Corpus, UnitChoice};

// The short document below has two windows.
const _: () = assert!(2 <= SHORT_DOC_WINDOWS);

/// A line of six content words that no other line shares.
fn filler(doc: usize, line: usize) -> String {
    (0..6).map(|w| format!("f{doc}l{line}w{w}")).collect::<Vec<_>>().join(" ")
}

/// Passages between documents `a` and `b` of `texts`.
fn between(texts: &[String], a: usize, b: usize) -> Vec<Passage> {
    let named: Vec<(String, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("d{i}"), t.as_str()))
        .collect();
    let corpus =
        Corpus::from_texts(named.iter().map(|(id, t)| (id.as_str(), *t)));
    let mut profiler = Profiler::new(SEED, UnitChoice::Auto, 5);
    let profiles: Vec<_> =
        texts.iter().map(|t| profiler.profile(t.as_bytes())).collect();
    let settings = passage::Settings {
        min_similarity: 0.45,
        min_words: 6,
        max_bucket: 100,
        seed: SEED,
    };
    let (found, _) = passage::find(
        &corpus,
        &profiles,
        &vec![false; texts.len()],
        &vec![Vec::new(); texts.len()],
        &settings,
    );
    found
        .into_iter()
        .filter(|p| (p.a.doc.index(), p.b.doc.index()) == (a, b))
        .collect()
}

#[test]
fn one_weak_match_between_long_documents_is_not_a_passage() {
    // The shared sentence has three content words: two content bigrams,
    // each in a bin of two windows out of about 100, evidence about 0.85
    // each. Enough to be a candidate (1.5), not a strong one (2.0).
    let shared = "kappa the lambda of the mu";
    let long = |doc: usize| -> String {
        let mut lines: Vec<String> = (0..5).map(|l| filler(doc, l)).collect();
        lines.insert(2, shared.to_string());
        lines.join("\n")
    };
    let mut texts: Vec<String> = (0..18)
        .map(|d| (0..5).map(|l| filler(d, l)).collect::<Vec<_>>().join("\n"))
        .collect();
    texts.push(long(100)); // d18
    texts.push(long(101)); // d19
    texts.push(format!("{shared}\n{}", filler(102, 0))); // d20: short
    assert!(between(&texts, 18, 19).is_empty(), "two long documents");
    let short = between(&texts, 18, 20);
    assert_eq!(short.len(), 1, "a short document is compared on less");
    assert_eq!(short[0].kind, passage::PassageKind::Verbatim);
    assert_eq!(short[0].words, (6, 6));
}

#[test]
fn several_weak_matches_between_long_documents_are_passages() {
    // Three sentences like the one above, on lines of their own, shared
    // by two long documents: three candidate window pairs.
    let shared: Vec<String> = (0..3)
        .map(|i| format!("kappa{i} the lambda{i} of the mu{i}"))
        .collect();
    let long = |doc: usize| -> String {
        let mut lines: Vec<String> = (0..5).map(|l| filler(doc, l)).collect();
        for (i, s) in shared.iter().enumerate() {
            lines.insert(1 + 2 * i, s.clone());
        }
        lines.join("\n")
    };
    let mut texts: Vec<String> = (0..18)
        .map(|d| (0..5).map(|l| filler(d, l)).collect::<Vec<_>>().join("\n"))
        .collect();
    texts.push(long(100));
    texts.push(long(101));
    assert!(passage::LONG_DOC_PAIRS <= shared.len());
    // Verbatim sentences run on across the short lines between them.
    let found = between(&texts, 18, 19);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].matched.0 >= 18, "{found:?}");
}

#[test]
fn quotes_only_when_asked_for() {
    use rehash::{Config, Pipeline};
    let copied = "The harbour board approved a dredging contract worth twelve million dollars on Tuesday.";
    let a = format!("{}\n{copied}\n{}", filler(0, 0), filler(0, 1));
    let b = format!("{}\n{copied}\n{}", filler(1, 0), filler(1, 1));
    let corpus = Corpus::from_texts([("a", a.as_str()), ("b", b.as_str())]);
    // Of two documents, a shared line would be boilerplate.
    let config = Config::builder().boilerplate(false).build().unwrap();
    let quoted = Pipeline::new(config.clone()).run(&corpus);
    let bare = Pipeline::new(config).quotes(false).run(&corpus);
    assert_eq!(quoted.passages.len(), 1);
    // From the first shared content word to the last.
    let quote = &copied["The ".len()..copied.len() - 1];
    let q = &quoted.passages[0].quotes;
    assert_eq!((q.0.as_str(), q.1.as_str()), (quote, quote));
    // Everything else is the same.
    assert_eq!(bare.passages.len(), 1);
    assert_eq!(bare.passages[0].quotes, (String::new(), String::new()));
    assert_eq!(bare.passages[0].passage, quoted.passages[0].passage);
    assert_eq!(bare.passages[0].at, quoted.passages[0].at);
}

#[test]
fn long_copies_are_compared_as_short_ones_are() {
    // Two documents of 36,000 words, the second a copy of the first with
    // one word in 300 changed: passages long enough that alignment sorts
    // their stems and 3-grams instead of counting them in a table (over
    // 65,536 words on both sides together).
    let mut rng = rehash::synth::Rng::new(17);
    let words: Vec<String> =
        (0..36_000).map(|_| format!("w{}", rng.below(5_000))).collect();
    let text = |words: &[String]| -> String {
        let sentences: Vec<String> =
            words.chunks(12).map(|s| format!("{}.", s.join(" "))).collect();
        let paragraphs: Vec<String> =
            sentences.chunks(5).map(|p| p.join(" ")).collect();
        paragraphs.join("\n")
    };
    let mut changed = words.clone();
    for (i, w) in changed.iter_mut().enumerate().filter(|(i, _)| i % 300 == 7)
    {
        *w = format!("x{i}");
    }
    let texts = vec![text(&words), text(&changed)];
    let found = between(&texts, 0, 1);
    let longest = found.iter().max_by_key(|p| p.words.0 + p.words.1).unwrap();
    assert!(longest.words.0 + longest.words.1 > 65_536, "{:?}", longest.words);
    assert_eq!(longest.kind, passage::PassageKind::Near);
    // One word in 300 changed: 3 of every 300 3-grams differ on each
    // side, a Jaccard of about 0.98.
    let j = longest.trigrams.jaccard();
    assert!((0.97..0.99).contains(&j), "{j}");
    assert!(longest.similarity > 0.95, "{}", longest.similarity);
    let (ma, mb) = longest.matched;
    assert!(ma * 100 >= longest.words.0 * 97, "{ma} of {}", longest.words.0);
    assert!(mb * 100 >= longest.words.1 * 97, "{mb} of {}", longest.words.1);
}

#[test]
fn two_sentences_given_alone_are_compared() {
    // With two windows in all, every shared bigram is in a bin of all
    // windows; measured against MIN_EVIDENCE_WINDOWS, it is still rare.
    const _: () = assert!(passage::MIN_EVIDENCE_WINDOWS > 2);
    let texts = [
        "The council approved the new bridge budget on Monday after a long debate.",
        "On Monday the council approved the new bridge budget after a long debate.",
    ]
    .map(String::from);
    let found = between(&texts, 0, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, passage::PassageKind::Rewrite);
    assert!(found[0].similarity > 0.9, "{}", found[0].similarity);
    // Two sentences that share a stock phrase and nothing else are not.
    let texts = [
        "The council approved the new bridge budget on Monday after a long debate.",
        "Heavy rain is expected on Monday after a long dry spell in the valley.",
    ]
    .map(String::from);
    assert!(between(&texts, 0, 1).is_empty());
}

/// Asserts that `paragraph`, `copies` times in one document, each copy
/// after a filler line, gives exactly one passage per later copy: the
/// whole copy beside the whole first one.
fn each_copy_is_beside_the_first(paragraph: &str, copies: usize) {
    let mut lines = Vec::new();
    for l in 0..copies {
        lines.extend([filler(0, l), paragraph.to_string()]);
    }
    let text = lines.join("\n");
    let starts: Vec<u32> =
        text.match_indices(paragraph).map(|(i, _)| i as u32).collect();
    assert_eq!(starts.len(), copies);
    let found = between(std::slice::from_ref(&text), 0, 0);
    let mut sides: Vec<(u32, u32, u32, u32)> = found
        .iter()
        .map(|p| (p.a.start, p.a.end, p.b.start, p.b.end))
        .collect();
    sides.sort_unstable();
    let len = paragraph.len() as u32;
    let expected: Vec<(u32, u32, u32, u32)> = starts[1..]
        .iter()
        .map(|&s| (starts[0], starts[0] + len, s, s + len))
        .collect();
    assert_eq!(sides, expected);
}

#[test]
fn a_paragraph_of_sentences_repeated_four_times_is_found_whole_at_each_repeat()
{
    // Three sentences, each a window of its own, so that each copy's
    // passage is merged from three seeds: with four copies, the seeds of
    // one sentence pair it with every later copy, and merging must find
    // the next sentence's seed of the same copy among them. It opens and
    // ends with a content word, where a passage's sides start and end.
    each_copy_is_beside_the_first(
        "Harbour council members approved the new bridge budget after a \
         long debate. Valley residents welcomed the decision at a crowded \
         Monday evening meeting. Local shop owners reported strong trade \
         during the busy weekend",
        4,
    );
}

#[test]
fn a_paragraph_repeated_hundreds_of_times_is_found_at_each_repeat() {
    // Three sentences, of REPEAT_MIN_WORDS words or more, repeated 150
    // times, more than the bins' limit of 100 windows: a block down a
    // spam page.
    let block = "Harbour council members approved the new budget after a long \
                 debate. Valley residents welcomed the decision on Monday \
                 evening. Local shops reported strong trade";
    assert!(block.split(' ').count() as u32 >= REPEAT_MIN_WORDS);
    each_copy_is_beside_the_first(block, 150);
}

#[test]
fn a_paragraph_repeated_in_a_document_is_found_at_each_repeat() {
    // Between filler lines, a paragraph of 24 words three times, and a
    // phrase of 8 words three times.
    let paragraph: Vec<String> = (0..24).map(|w| format!("para{w}")).collect();
    let phrase: Vec<String> = (0..8).map(|w| format!("ph{w}")).collect();
    assert!(paragraph.len() as u32 >= REPEAT_MIN_WORDS);
    assert!((phrase.len() as u32) < REPEAT_MIN_WORDS);
    let (paragraph, phrase) = (paragraph.join(" "), phrase.join(" "));
    let mut lines = Vec::new();
    for l in 0..3 {
        lines.extend([filler(0, 2 * l), paragraph.clone()]);
        lines.extend([filler(0, 2 * l + 1), phrase.clone()]);
    }
    let text = lines.join("\n");
    let starts: Vec<u32> =
        text.match_indices(&paragraph).map(|(i, _)| i as u32).collect();
    let found = between(std::slice::from_ref(&text), 0, 0);
    let of = |first: &str| -> Vec<(u32, u32)> {
        let mut sides: Vec<(u32, u32)> = found
            .iter()
            .filter(|p| text[p.a.start as usize..].starts_with(first))
            .map(|p| (p.a.start, p.b.start))
            .collect();
        sides.sort_unstable();
        sides
    };
    // Each later copy of the paragraph beside the first.
    assert_eq!(
        of("para0 "),
        [(starts[0], starts[1]), (starts[0], starts[2])],
        "{found:?}"
    );
    // The phrase, shorter, in one passage, as before.
    assert_eq!(of("ph0 ").len(), 1, "{found:?}");
}
