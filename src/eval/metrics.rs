//! The measures: confusion counts, clustering agreement, span overlap and
//! the PAN text-alignment measures. Conventions for undefined ratios: a
//! precision or recall with nothing to divide by is 0, except that both are
//! 1 when there is nothing to find and nothing was found.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::truth::{
    ClusterLabel, PairClass, PairLabel, PassageCase, SpanClass,
};
use crate::cluster::UnionFind;

/// Counts of a binary decision. It serializes with its scores:
/// `{"tp", "fp", "fn", "tn", "precision", "recall", "f1", "accuracy"}`.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Confusion {
    /// Positives predicted positive.
    pub tp: u64,
    /// Negatives predicted positive.
    pub fp: u64,
    /// Positives predicted negative.
    pub fn_: u64,
    /// Negatives predicted negative.
    pub tn: u64,
}

/// Precision, recall, F1 (and accuracy where it means something).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Share of predicted positives that are positive.
    pub precision: f64,
    /// Share of positives predicted.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

impl Scores {
    /// Scores from a precision and a recall.
    pub fn new(precision: f64, recall: f64) -> Scores {
        Scores { precision, recall, f1: f1(precision, recall) }
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// `x / n`, or `if_empty` when `n` is 0.
fn ratio(x: f64, n: f64, if_empty: f64) -> f64 {
    if n == 0.0 { if_empty } else { x / n }
}

impl Serialize for Confusion {
    fn serialize<S: serde::Serializer>(
        &self,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let scores = self.scores();
        let mut st = s.serialize_struct("Confusion", 8)?;
        st.serialize_field("tp", &self.tp)?;
        st.serialize_field("fp", &self.fp)?;
        st.serialize_field("fn", &self.fn_)?;
        st.serialize_field("tn", &self.tn)?;
        st.serialize_field("precision", &scores.precision)?;
        st.serialize_field("recall", &scores.recall)?;
        st.serialize_field("f1", &scores.f1)?;
        st.serialize_field("accuracy", &self.accuracy())?;
        st.end()
    }
}

impl Confusion {
    /// Precision, recall and F1.
    pub fn scores(&self) -> Scores {
        let (tp, fp, fn_) = (self.tp as f64, self.fp as f64, self.fn_ as f64);
        let nothing = tp + fp + fn_ == 0.0;
        let empty = if nothing { 1.0 } else { 0.0 };
        Scores::new(ratio(tp, tp + fp, empty), ratio(tp, tp + fn_, empty))
    }

    /// Share of right decisions.
    pub fn accuracy(&self) -> f64 {
        let all = (self.tp + self.fp + self.fn_ + self.tn) as f64;
        ratio((self.tp + self.tn) as f64, all, 1.0)
    }

    /// Counts `n` decisions of one kind.
    fn add(&mut self, truth: bool, predicted: bool, n: u64) {
        match (truth, predicted) {
            (true, true) => self.tp += n,
            (false, true) => self.fp += n,
            (true, false) => self.fn_ += n,
            (false, false) => self.tn += n,
        }
    }

    fn merge(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }
}

/// How labelled pairs fared, as predicted and after transitive closure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairEval {
    /// Labelled pairs that are `dup`.
    pub dup: u64,
    /// Labelled pairs that are `nondup`.
    pub nondup: u64,
    /// A pair counts as predicted when it was reported.
    pub per_pair: Confusion,
    /// A pair counts as predicted when its documents are connected by
    /// reported pairs (what a deduplication removes).
    pub closure: Confusion,
}

/// A pair of ids in order, so that `(a, b)` and `(b, a)` are one key.
pub fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Scores labelled pairs against predicted pairs of ids.
pub fn pairs(truth: &[PairLabel], predicted: &[(String, String)]) -> PairEval {
    let set: std::collections::HashSet<(&str, &str)> =
        predicted.iter().map(|(a, b)| ordered(a, b)).collect();
    // Components of the predicted pairs.
    let mut index: HashMap<&str, u32> = HashMap::new();
    for (a, b) in predicted {
        for id in [a, b] {
            let n = index.len() as u32;
            index.entry(id.as_str()).or_insert(n);
        }
    }
    let mut uf = UnionFind::new(index.len());
    for (a, b) in predicted {
        uf.union(index[a.as_str()], index[b.as_str()]);
    }
    let mut eval = PairEval {
        dup: 0,
        nondup: 0,
        per_pair: Confusion::default(),
        closure: Confusion::default(),
    };
    for t in truth {
        let positive = t.label == PairClass::Dup;
        if positive {
            eval.dup += 1
        } else {
            eval.nondup += 1
        }
        eval.per_pair.add(positive, set.contains(&ordered(&t.a, &t.b)), 1);
        let joined = match (index.get(t.a.as_str()), index.get(t.b.as_str())) {
            (Some(&x), Some(&y)) => uf.find(x) == uf.find(y),
            _ => false,
        };
        eval.closure.add(positive, joined, 1);
    }
    eval
}

/// Agreement of a predicted clustering with the true one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClusterEval {
    /// Documents in the truth file.
    pub documents: u64,
    /// Adjusted Rand index (Hubert and Arabie 1985): 1 for the same
    /// partition, about 0 for chance agreement.
    pub ari: f64,
    /// B-cubed precision, recall and F1 (Bagga and Baldwin 1998).
    pub bcubed: Scores,
}

/// Scores predicted clusters (lists of ids) against cluster labels. A
/// document in no predicted cluster is a cluster of one.
pub fn clusters(
    truth: &[ClusterLabel],
    predicted: &[Vec<String>],
) -> ClusterEval {
    let mut of: HashMap<&str, usize> = HashMap::new();
    for (i, c) in predicted.iter().enumerate() {
        for id in c {
            of.insert(id.as_str(), i);
        }
    }
    // Labels of the truth's documents: true cluster, predicted cluster
    // (singletons numbered after the predicted ones).
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows: Vec<(usize, usize)> = Vec::with_capacity(truth.len());
    for (i, t) in truth.iter().enumerate() {
        let n = names.len();
        let l = *names.entry(t.cluster.as_str()).or_insert(n);
        let c = of.get(t.id.as_str()).copied().unwrap_or(predicted.len() + i);
        rows.push((l, c));
    }
    let n = rows.len() as f64;
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let mut cells: HashMap<(usize, usize), f64> = HashMap::new();
    let mut by_true: HashMap<usize, f64> = HashMap::new();
    let mut by_pred: HashMap<usize, f64> = HashMap::new();
    for &(l, c) in &rows {
        *cells.entry((l, c)).or_default() += 1.0;
        *by_true.entry(l).or_default() += 1.0;
        *by_pred.entry(c).or_default() += 1.0;
    }
    let index: f64 = cells.values().map(|&x| pairs(x)).sum();
    let a: f64 = by_true.values().map(|&x| pairs(x)).sum();
    let b: f64 = by_pred.values().map(|&x| pairs(x)).sum();
    let expected = if n < 2.0 { 0.0 } else { a * b / pairs(n) };
    let max = (a + b) / 2.0;
    let ari = if max == expected {
        // Both partitions all singletons, or both one cluster: identical.
        1.0
    } else {
        (index - expected) / (max - expected)
    };
    // B-cubed: per document, over its predicted and its true cluster.
    let (mut p, mut r) = (0.0, 0.0);
    for &(l, c) in &rows {
        let both = cells[&(l, c)];
        p += both / by_pred[&c];
        r += both / by_true[&l];
    }
    let bcubed = if rows.is_empty() {
        Scores::new(1.0, 1.0)
    } else {
        Scores::new(p / n, r / n)
    };
    ClusterEval { documents: rows.len() as u64, ari, bcubed }
}

/// Per class, how lines or bytes were labelled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ClassEval {
    /// With `content` as the positive class.
    pub content: Confusion,
    /// With `boilerplate` as the positive class.
    pub boilerplate: Confusion,
}

impl ClassEval {
    fn add(&mut self, truth: SpanClass, predicted: SpanClass, n: u64) {
        // One decision, seen with either class as the positive one.
        let t = truth == SpanClass::Boilerplate;
        let p = predicted == SpanClass::Boilerplate;
        self.boilerplate.add(t, p, n);
        self.content.add(!t, !p, n);
    }

    /// Sums two evaluations.
    pub fn merge(&mut self, o: &ClassEval) {
        self.content.merge(&o.content);
        self.boilerplate.merge(&o.boilerplate);
    }
}

/// One document's labelled spans scored against predicted boilerplate.
///
/// *By byte*: every byte inside a true span counts once, as boilerplate
/// when a predicted span holds it. *By line*: every line with a word
/// counts once, labelled by the true span holding its first byte, and
/// predicted boilerplate when predicted spans hold more than half its
/// bytes.
pub fn spans(
    text: &[u8],
    truth: &[(usize, usize, SpanClass)],
    predicted: &[(usize, usize)],
) -> (ClassEval, ClassEval) {
    let predicted_in = |s: usize, e: usize| -> usize {
        predicted.iter().map(|&(p, q)| q.min(e).saturating_sub(p.max(s))).sum()
    };
    let mut bytes = ClassEval::default();
    for &(s, e, class) in truth {
        let e = e.min(text.len());
        let hit = predicted_in(s, e) as u64;
        bytes.add(class, SpanClass::Boilerplate, hit);
        bytes.add(
            class,
            SpanClass::Content,
            (e.saturating_sub(s)) as u64 - hit,
        );
    }
    let mut lines = ClassEval::default();
    let mut start = 0;
    for line in text.split(|&b| b == b'\n') {
        let end = start + line.len();
        let first = line
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| start + i);
        if let Some(first) = first {
            if let Some(&(_, _, class)) =
                truth.iter().find(|&&(s, e, _)| s <= first && first < e)
            {
                let bp = 2 * predicted_in(start, end) > line.len();
                let p = if bp {
                    SpanClass::Boilerplate
                } else {
                    SpanClass::Content
                };
                lines.add(class, p, 1);
            }
        }
        start = end + 1;
    }
    (bytes, lines)
}

/// Word 4-gram precision and recall of a page's kept text against its
/// gold main text, both as lists of word hashes, counted with multiplicity
/// (the shingle measure of the web-content-extraction benchmarks).
pub fn gold_text(kept: &[u64], gold: &[u64]) -> Scores {
    fn grams(words: &[u64]) -> HashMap<u64, u64> {
        let mut m = HashMap::new();
        for w in words.windows(4) {
            let h = w.iter().fold(0u64, |h, &x| crate::shingle::mix(h ^ x));
            *m.entry(h).or_default() += 1;
        }
        m
    }
    let (k, g) = (grams(kept), grams(gold));
    let shared: u64 =
        k.iter().map(|(h, &n)| n.min(g.get(h).copied().unwrap_or(0))).sum();
    let (nk, ng) =
        (k.values().sum::<u64>() as f64, g.values().sum::<u64>() as f64);
    let both_empty = if nk == 0.0 && ng == 0.0 { 1.0 } else { 0.0 };
    Scores::new(
        ratio(shared as f64, nk, both_empty),
        ratio(shared as f64, ng, both_empty),
    )
}

/// A detected or true passage: two documents and a byte span in each.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Case {
    /// First document and span.
    pub a: (String, usize, usize),
    /// Second document and span.
    pub b: (String, usize, usize),
}

impl From<&PassageCase> for Case {
    fn from(p: &PassageCase) -> Case {
        Case {
            a: (p.a.clone(), p.a_start, p.a_end),
            b: (p.b.clone(), p.b_start, p.b_end),
        }
    }
}

/// The PAN text-alignment measures (Potthast et al. 2010), over bytes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PassageEval {
    /// True cases.
    pub cases: u64,
    /// Detections.
    pub detections: u64,
    /// True cases that some detection overlaps on both sides.
    pub found: u64,
    /// Macro precision and recall over characters (here bytes) of both
    /// sides, and their F1.
    pub scores: Scores,
    /// Mean number of detections per detected case; 1 is best.
    pub granularity: f64,
    /// `F1 / log2(1 + granularity)`.
    pub plagdet: f64,
}

/// The overlap of two cases (or detections) on both sides, oriented like
/// `s`; `None` unless they concern the same documents and overlap on both.
fn meet(s: &Case, r: &Case) -> Option<((usize, usize), (usize, usize))> {
    let cut = |x: &(String, usize, usize), y: &(String, usize, usize)| {
        (x.0 == y.0 && x.1.max(y.1) < x.2.min(y.2))
            .then(|| (x.1.max(y.1), x.2.min(y.2)))
    };
    let direct = cut(&s.a, &r.a).zip(cut(&s.b, &r.b));
    direct.or_else(|| cut(&s.a, &r.b).zip(cut(&s.b, &r.a)))
}

/// Total length of the union of half-open intervals.
fn union_len(mut spans: Vec<(usize, usize)>) -> usize {
    spans.sort_unstable();
    let (mut total, mut end) = (0, 0);
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            total += e - s;
            end = e;
        }
    }
    total
}

impl Case {
    /// The two documents, in order: cases of one pair meet only each other.
    pub fn documents(&self) -> (&str, &str) {
        ordered(&self.a.0, &self.b.0)
    }
}

/// Cases grouped by their documents.
fn by_documents(cases: &[Case]) -> HashMap<(&str, &str), Vec<&Case>> {
    let mut m: HashMap<(&str, &str), Vec<&Case>> = HashMap::new();
    for c in cases {
        m.entry(c.documents()).or_default().push(c);
    }
    m
}

/// Scores detections against true cases.
pub fn passages(truth: &[Case], detected: &[Case]) -> PassageEval {
    let len = |c: &Case| ((c.a.2 - c.a.1) + (c.b.2 - c.b.1)) as f64;
    let (truth_of, detected_of) =
        (by_documents(truth), by_documents(detected));
    let none = Vec::new();
    let others =
        |x: &Case, of: &HashMap<(&str, &str), Vec<&Case>>| -> Vec<_> {
            of.get(&x.documents())
                .unwrap_or(&none)
                .iter()
                .filter_map(|o| meet(x, o))
                .collect()
        };
    // What of `x` the others cover, side by side: the overlaps come
    // oriented like `x`, so each side's union is taken apart.
    let covered = |x: &Case, of| -> f64 {
        let (a, b): (Vec<_>, Vec<_>) = others(x, of).into_iter().unzip();
        (union_len(a) + union_len(b)) as f64
    };
    let (ns, nr) = (truth.len() as f64, detected.len() as f64);
    let precision = if detected.is_empty() {
        if truth.is_empty() { 1.0 } else { 0.0 }
    } else {
        detected
            .iter()
            .map(|r| ratio(covered(r, &truth_of), len(r), 0.0))
            .sum::<f64>()
            / nr
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        truth
            .iter()
            .map(|s| ratio(covered(s, &detected_of), len(s), 0.0))
            .sum::<f64>()
            / ns
    };
    let counts: Vec<usize> =
        truth.iter().map(|s| others(s, &detected_of).len()).collect();
    let found: Vec<usize> = counts.into_iter().filter(|&c| c > 0).collect();
    let granularity = if found.is_empty() {
        1.0
    } else {
        found.iter().sum::<usize>() as f64 / found.len() as f64
    };
    let scores = Scores::new(precision, recall);
    PassageEval {
        cases: truth.len() as u64,
        detections: detected.len() as u64,
        found: found.len() as u64,
        scores,
        granularity,
        plagdet: scores.f1 / (1.0 + granularity).log2(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::truth::SpanClass;

    fn pair(a: &str, b: &str, dup: bool) -> PairLabel {
        PairLabel {
            a: a.into(),
            b: b.into(),
            label: if dup { PairClass::Dup } else { PairClass::NonDup },
        }
    }

    #[test]
    fn pairs_per_pair_and_after_closure() {
        // Truth: a-b, b-c dup; a-d nondup. Predicted: a-b, c-b.
        let truth = [
            pair("a", "b", true),
            pair("b", "c", true),
            pair("a", "c", true),
            pair("a", "d", false),
        ];
        let predicted =
            vec![("a".into(), "b".into()), ("c".into(), "b".into())];
        let e = pairs(&truth, &predicted);
        assert_eq!((e.dup, e.nondup), (3, 1));
        assert_eq!(e.per_pair, Confusion { tp: 2, fp: 0, fn_: 1, tn: 1 });
        assert_eq!(e.closure, Confusion { tp: 3, fp: 0, fn_: 0, tn: 1 });
        let s = e.per_pair.scores();
        assert_eq!((s.precision, s.recall), (1.0, 2.0 / 3.0));
        assert!((s.f1 - 0.8).abs() < 1e-12);
        assert_eq!(e.per_pair.accuracy(), 0.75);
    }

    #[test]
    fn no_predictions_and_no_positives() {
        let truth = [pair("a", "b", true), pair("a", "c", false)];
        let e = pairs(&truth, &[]);
        assert_eq!(
            e.per_pair.scores(),
            Scores { precision: 0.0, recall: 0.0, f1: 0.0 }
        );
        assert_eq!(e.per_pair.accuracy(), 0.5);
        // Nothing to find, nothing found.
        let e = pairs(&[pair("a", "c", false)], &[]);
        assert_eq!(
            e.per_pair.scores(),
            Scores { precision: 1.0, recall: 1.0, f1: 1.0 }
        );
    }

    fn labels(x: &[(&str, &str)]) -> Vec<ClusterLabel> {
        x.iter()
            .map(|&(id, c)| ClusterLabel { id: id.into(), cluster: c.into() })
            .collect()
    }

    #[test]
    fn clusters_by_hand() {
        // Truth {a b c} {d e}; predicted {a b} {c d}; e alone.
        let truth = labels(&[
            ("a", "x"),
            ("b", "x"),
            ("c", "x"),
            ("d", "y"),
            ("e", "y"),
        ]);
        let predicted = vec![
            vec!["a".to_string(), "b".into()],
            vec!["c".into(), "d".into()],
        ];
        let e = clusters(&truth, &predicted);
        // Cells: (x,ab)=2 (x,cd)=1 (y,cd)=1 (y,e)=1. Index = 1; true pairs
        // 3 + 1 = 4; predicted pairs 1 + 1 = 2; expected 4*2/10 = 0.8;
        // max 3. ARI = (1 - 0.8) / (3 - 0.8) = 0.0909...
        assert!((e.ari - 0.2 / 2.2).abs() < 1e-12, "{}", e.ari);
        // B-cubed precision: a 2/2, b 2/2, c 1/2, d 1/2, e 1/1 = 4/5.
        // Recall: a 2/3, b 2/3, c 1/3, d 1/2, e 1/2 = 8/3 / 5.
        assert!((e.bcubed.precision - 0.8).abs() < 1e-12);
        assert!((e.bcubed.recall - 8.0 / 15.0).abs() < 1e-12);
    }

    #[test]
    fn clusters_of_one() {
        let truth = labels(&[("a", "x"), ("b", "y"), ("c", "z")]);
        let e = clusters(&truth, &[]);
        assert_eq!(e.ari, 1.0, "all singletons on both sides");
        assert_eq!(e.bcubed, Scores::new(1.0, 1.0));
        let wrong =
            clusters(&truth, &[vec!["a".into(), "b".into(), "c".into()]]);
        assert_eq!(wrong.bcubed.recall, 1.0);
        assert!((wrong.bcubed.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(wrong.ari, 0.0);
    }

    fn case(a: (&str, usize, usize), b: (&str, usize, usize)) -> Case {
        Case { a: (a.0.into(), a.1, a.2), b: (b.0.into(), b.1, b.2) }
    }

    #[test]
    fn pan_measures_by_hand() {
        // One case of 100 + 100 bytes; two detections split it.
        let truth = [case(("x", 0, 100), ("y", 0, 100))];
        let detected = [
            case(("x", 0, 50), ("y", 0, 60)),
            case(("y", 60, 120), ("x", 50, 100)),
        ];
        let e = passages(&truth, &detected);
        // Detection 1 lies wholly in the case; detection 2 has 40 of its
        // 60 bytes in y within the case, and all 50 in x: 90 of 110.
        assert!(
            (e.scores.precision - (1.0 + 90.0 / 110.0) / 2.0).abs() < 1e-12
        );
        // The case: x fully covered (100), y 0..60 and 60..100 (100).
        assert_eq!(e.scores.recall, 1.0);
        assert_eq!(e.granularity, 2.0);
        assert_eq!((e.cases, e.detections, e.found), (1, 2, 1));
        assert!((e.plagdet - e.scores.f1 / 3f64.log2()).abs() < 1e-12);
    }

    #[test]
    fn pan_edge_cases() {
        let truth = [case(("x", 0, 10), ("x", 20, 30))];
        let none = passages(&truth, &[]);
        assert_eq!(
            (none.scores.precision, none.scores.recall, none.plagdet),
            (0.0, 0.0, 0.0)
        );
        let elsewhere = passages(&truth, &[case(("x", 0, 10), ("z", 20, 30))]);
        assert_eq!(
            elsewhere.scores.recall, 0.0,
            "another document is no detection"
        );
        assert_eq!(elsewhere.found, 0);
        let empty = passages(&[], &[]);
        assert_eq!(empty.scores.f1, 1.0);
    }

    #[test]
    fn spans_by_byte_and_line() {
        use SpanClass::{Boilerplate as B, Content as C};
        let text = b"Home | News\nStory text here.\nMore story.\n(c) Site";
        //          0         11 12              28 29         40 41    49
        let truth = [(0, 11, B), (12, 40, C), (41, 49, B)];
        // Predicted: the first line and half of the story.
        let (bytes, lines) = spans(text, &truth, &[(0, 11), (12, 20)]);
        assert_eq!(
            bytes.boilerplate,
            Confusion { tp: 11, fp: 8, fn_: 8, tn: 20 }
        );
        assert_eq!(bytes.content, Confusion { tp: 20, fp: 8, fn_: 8, tn: 11 });
        // Lines: home (B, predicted B), story (C, 8 of 16 predicted: not
        // more than half, so C), more (C, C), (c) (B, C).
        assert_eq!(
            lines.boilerplate,
            Confusion { tp: 1, fp: 0, fn_: 1, tn: 2 }
        );
        assert_eq!(lines.content.scores().precision, 2.0 / 3.0);
    }

    #[test]
    fn gold_text_counts_grams_with_multiplicity() {
        let kept = [1, 2, 3, 4, 5, 9, 9, 9, 9];
        let gold = [1, 2, 3, 4, 5, 6];
        // Kept grams: 1234 2345 3459 4599 5999 9999: 6; gold: 1234 2345 3456.
        let s = gold_text(&kept, &gold);
        assert_eq!((s.precision, s.recall), (2.0 / 6.0, 2.0 / 3.0));
        assert_eq!(gold_text(&[], &[]).f1, 1.0);
        assert_eq!(gold_text(&[1, 2], &[1, 2, 3, 4]).recall, 0.0);
    }
}
