//! Passages: copied and rewritten spans, within and across documents.

use crate::util::{fixture, of_type, summary};

/// The `passages` ids a record lists.
fn passage_ids(record: &serde_json::Value) -> Vec<u64> {
    let ids = record["passages"].as_array().unwrap();
    ids.iter().map(|v| v.as_u64().unwrap()).collect()
}

/// `(a line, b line, kind)` of every passage.
fn lines(stdout: &str) -> Vec<(u64, u64, String)> {
    of_type(stdout, "passage")
        .iter()
        .map(|p| {
            (
                p["a"]["line"].as_u64().unwrap(),
                p["b"]["line"].as_u64().unwrap(),
                p["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

clitest!(each_recap_paragraph_is_beside_its_source, |dir, cmd| {
    let out = cmd
        .args(["scan", "--format", "json"])
        .arg(fixture("seed-article.txt"))
        .stdout();
    let mut got: Vec<(u64, u64)> =
        lines(&out).iter().map(|&(a, b, _)| (a, b)).collect();
    got.sort_unstable();
    // Recap paragraphs 11-15 rewrite paragraphs 1-4; nothing else matches.
    assert_eq!(got, [(1, 11), (1, 14), (1, 15), (2, 12), (3, 13), (4, 14)]);
    assert!(lines(&out).iter().all(|(_, _, kind)| kind == "rewrite"));
    let text = std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
    for p in of_type(&out, "passage") {
        for side in ["a", "b"] {
            let (s, e) = (
                p[side]["start"].as_u64().unwrap() as usize,
                p[side]["end"].as_u64().unwrap() as usize,
            );
            let span = &text[s..e];
            assert!(
                span.chars().next().unwrap().is_alphanumeric(),
                "{span:?}"
            );
            assert!(
                span.chars().last().unwrap().is_alphanumeric(),
                "{span:?}"
            );
            // The line number is where the span starts.
            let line = text[..s].matches('\n').count() as u64 + 1;
            assert_eq!(p[side]["line"], line);
        }
        let sim = p["similarity"].as_f64().unwrap();
        assert!((0.45..=1.0).contains(&sim), "{p}");
        assert!(p["matched_a"].as_u64() <= p["words_a"].as_u64());
    }
});

const WIRE: &str = "Officials in Riverton said on Monday that the new bridge over the Calder River would open in the spring after two years of delays.

The project ran over budget when inspectors found cracked steel in the supports of the old span and ordered them replaced before traffic could resume.

Mayor Elena Vasquez told reporters that the delays had cost local merchants dearly and promised a street festival when the bridge opens.
";

const ARTICLE: &str = "A different opening sentence about the weather in the valley this week, which was cold and wet for the harvest.

The project ran over budget when inspectors found cracked steel in the supports of the old span and ordered them replaced before traffic could resume.

The mayor, Elena Vasquez, said merchants had paid dearly for the delays, and she promised a street festival once the bridge is open.

Farmers at the market square said the rain had ruined most of the late apples and pears this season.
";

clitest!(copied_and_rewritten_paragraphs_across_documents, |dir, cmd| {
    dir.create("wire.txt", WIRE);
    dir.create("article.txt", ARTICLE);
    let out = cmd
        .args(["scan", "--format", "json", "article.txt", "wire.txt"])
        .stdout();
    let got = lines(&out);
    assert_eq!(got.len(), 2, "{out}");
    let verbatim =
        got.iter().find(|p| p.2 == "verbatim").expect("the copied paragraph");
    assert_eq!((verbatim.0, verbatim.1), (3, 3));
    let rewrite =
        got.iter().find(|p| p.2 == "rewrite").expect("the rewritten one");
    assert_eq!((rewrite.0, rewrite.1), (5, 5));
    for p in of_type(&out, "passage") {
        assert_eq!(p["a"]["doc"], "article.txt", "a is first in input order");
        assert_eq!(p["b"]["doc"], "wire.txt");
    }
    // Not near-duplicates as documents.
    assert_eq!(summary(&out)["duplicates"], 0);
});

clitest!(duplicate_records_list_their_passages, |dir, cmd| {
    let copy = WIRE.replace("two years", "three years");
    dir.create("a.txt", WIRE);
    dir.create("b.txt", copy);
    let out = cmd
        .args(["scan", "--format", "json", "-t", "0.5", "a.txt", "b.txt"])
        .stdout();
    let dup = &of_type(&out, "duplicate")[0];
    let ids = passage_ids(dup);
    let passages = of_type(&out, "passage");
    assert!(!ids.is_empty());
    assert_eq!(
        ids,
        passages.iter().map(|p| p["id"].as_u64().unwrap()).collect::<Vec<_>>()
    );
    // Copied paragraphs run on across documents: one passage for all.
    assert_eq!(passages.len(), 1, "{out}");
    assert_eq!(passages[0]["a"]["line"], 1);
    let text = dir
        .command()
        .args(["scan", "--color", "never", "-t", "0.5", "a.txt", "b.txt"])
        .stdout();
    assert!(text.contains(", 1 passage)"), "{text}");
    assert!(
        !text.contains("passages ·"),
        "listed with the pair, not apart: {text}"
    );
});

clitest!(no_passages_turns_them_off, |dir, cmd| {
    let out = cmd
        .args(["scan", "--format", "json", "--no-passages"])
        .arg(fixture("seed-article.txt"))
        .stdout();
    assert!(of_type(&out, "passage").is_empty());
    let s = summary(&out);
    assert_eq!(s["passages"], 0);
    assert_eq!(s["params"]["passages"], false);
});

clitest!(stricter_settings_find_fewer, |dir, cmd| {
    let sims = |extra: &[&str]| -> Vec<f64> {
        let out = dir
            .command()
            .args(["scan", "--format", "json"])
            .args(extra)
            .arg(fixture("seed-article.txt"))
            .stdout();
        of_type(&out, "passage")
            .iter()
            .map(|p| p["similarity"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(sims(&[]).len(), 6);
    let strict = sims(&["--passage-min-similarity", "0.7"]);
    assert!(!strict.is_empty() && strict.len() < 6, "{strict:?}");
    assert!(strict.iter().all(|&s| s >= 0.7), "{strict:?}");
    assert_eq!(sims(&["--passage-min-words", "30"]).len(), 2);
    let out = cmd
        .args(["scan", "--passage-min-similarity", "0", "x.txt"])
        .expect_code(2);
    assert!(out.stderr.contains("passage min similarity must be in (0, 1]"));
});

clitest!(
    a_span_beside_the_same_quote_in_several_documents_is_quoted_once,
    |dir, cmd| {
        // One paragraph of the seed taken by three articles with text of their
        // own: passages 0–1, 0–2 and 1–2. The first two share their first side
        // and quote, so the text report quotes them once.
        let seed =
            std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
        let taken = seed.lines().nth(1).unwrap();
        let own = [
            "The outlet's own introduction talks about the weather in the harbour town this week, with rain.",
            "Farmers in the valley expect an early harvest after the warmest spring in twenty years of records.",
            "A local choir will sing at the cathedral on Sunday to raise money for the new organ and its pipes.",
        ];
        for (i, intro) in own.iter().enumerate() {
            dir.create(&format!("{i}.txt"), format!("{intro}\n{taken}\n"));
        }
        let json =
            dir.command().args(["scan", "--format", "json", "."]).stdout();
        assert!(of_type(&json, "duplicate").is_empty(), "{json}");
        let passages = of_type(&json, "passage");
        let sides: Vec<(&str, &str)> = passages
            .iter()
            .map(|p| {
                (
                    p["a"]["doc"].as_str().unwrap(),
                    p["b"]["doc"].as_str().unwrap(),
                )
            })
            .collect();
        let expected = [
            ("./0.txt", "./1.txt"),
            ("./0.txt", "./2.txt"),
            ("./1.txt", "./2.txt"),
        ];
        assert_eq!(sides, expected, "{json}");

        let text = cmd.args(["scan", "."]).stdout();
        let opening: String =
            taken.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        // Quoted twice for 0–1 (also 2), twice for 1–2.
        assert_eq!(text.matches(&opening).count(), 4, "{text}");
        let also: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("also "))
            .collect();
        assert_eq!(also, ["    also ./2.txt 2:1  1.0000 verbatim"], "{text}");
    }
);

clitest!(a_truncated_copy_is_covered_by_its_passages, |dir, cmd| {
    // The seed's first four paragraphs, republished alone: too little of
    // the whole for a near-duplicate, all of it in passages.
    let seed = std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
    let head: String =
        seed.lines().take(4).map(|l| format!("{l}\n")).collect();
    dir.create("a.txt", &seed);
    dir.create("b.txt", &head);
    let out =
        cmd.args(["scan", "--format", "json", "a.txt", "b.txt"]).stdout();
    assert!(of_type(&out, "duplicate").is_empty(), "{out}");
    let overlaps = of_type(&out, "overlap");
    assert_eq!(overlaps.len(), 1, "{out}");
    let o = &overlaps[0];
    assert_eq!(
        (o["a"].as_str(), o["b"].as_str()),
        (Some("a.txt"), Some("b.txt"))
    );
    let (a, b) =
        (o["covered_a"].as_f64().unwrap(), o["covered_b"].as_f64().unwrap());
    assert!(b > 0.9 && a < 0.5, "{o}");
    let bytes = o["covered_bytes_b"].as_u64().unwrap() as f64;
    assert!((bytes / head.len() as f64 - b).abs() < 1e-4, "{o}");
    // Its passages are those between the two documents.
    let between: Vec<u64> = of_type(&out, "passage")
        .iter()
        .filter(|p| p["a"]["doc"] != p["b"]["doc"])
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    let listed = passage_ids(o);
    assert_eq!(listed, between);
    // The text report lists the pair as a copy below the threshold.
    let text = dir.command().args(["scan", "a.txt", "b.txt"]).stdout();
    let section = "copies below the threshold · 1 pair of documents in no cluster together";
    assert!(text.contains(section), "{text}");
    let line = format!("  a.txt ↔ b.txt  covered {a:.2}/{b:.2}  (");
    assert!(text.contains(&line), "{text}");
    // Not when the two are near-duplicates (a threshold low enough).
    let text =
        dir.command().args(["scan", "-t", "0.2", "a.txt", "b.txt"]).stdout();
    assert!(text.contains("cluster 1 · 2 documents"), "{text}");
    assert!(!text.contains("copies below the threshold"), "{text}");
});
