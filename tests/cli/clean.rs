//! `rehash clean`: the kept documents, boilerplate stripped, and an audit
//! of every removal.

use std::collections::BTreeMap;

use crate::util::{fixture, of_type};

/// `id → text` of the cleaned JSON Lines, in order.
fn texts(out: &str) -> Vec<(String, String)> {
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

clitest!(
    the_news_fixtures_clean_to_four_articles_without_footers,
    |dir, cmd| {
        let out = cmd
            .args(["clean", "--report", "audit.jsonl"])
            .arg(fixture("news"))
            .expect_code(0);
        let kept = texts(&out.stdout);
        let names: Vec<&str> = kept
            .iter()
            .map(|(id, _)| id.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "01-bridge-council.txt",
                "03-harvest-festival.txt",
                "05-school-board.txt",
                "07-storm-warning.txt"
            ]
        );
        for (id, text) in &kept {
            let original = std::fs::read_to_string(id).unwrap();
            assert!(
                !text.contains("Copyright")
                    && !text.contains("unlimited access"),
                "{text}"
            );
            assert!(
                !text.ends_with("\n\n") && text.ends_with('\n'),
                "{text:?}"
            );
            // Every paragraph that is left is a paragraph of the original.
            for para in text.split("\n\n") {
                assert!(original.contains(para.trim_end()), "{para:?}");
            }
        }
        assert!(
            out.stderr.contains("kept 4 of 7 documents (3 removed"),
            "{}",
            out.stderr
        );
        // The audit: one removed record per document left out, with the kept
        // document and a verified pair; and the spans stripped.
        let audit = dir.read("audit.jsonl");
        let removed = of_type(&audit, "removed");
        let got: BTreeMap<String, (String, String)> = removed
            .iter()
            .map(|r| {
                let name = |k: &str| {
                    r[k].as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string()
                };
                (
                    name("doc"),
                    (name("kept"), r["kind"].as_str().unwrap().to_string()),
                )
            })
            .collect();
        let expected: BTreeMap<String, (String, String)> = [
            ("02-bridge-syndicated.txt", "01-bridge-council.txt", "near"),
            ("04-bridge-update.txt", "01-bridge-council.txt", "near"),
            (
                "06-harvest-festival-copy.txt",
                "03-harvest-festival.txt",
                "exact",
            ),
        ]
        .into_iter()
        .map(|(d, k, kind)| (d.to_string(), (k.to_string(), kind.to_string())))
        .collect();
        assert_eq!(got, expected);
        for r in &removed {
            let pair = of_type(&audit, "duplicate")
                .into_iter()
                .find(|d| {
                    (d["a"] == r["doc"] && d["b"] == r["matched"])
                        || (d["b"] == r["doc"] && d["a"] == r["matched"])
                })
                .expect("the removal's pair is reported");
            assert_eq!(pair["similarity"], r["similarity"]);
        }
        assert!(!of_type(&audit, "boilerplate_span").is_empty());
        assert!(
            of_type(&audit, "passage").is_empty(),
            "clean looks for no passages"
        );
    }
);

clitest!(json_lines_records_keep_every_other_field, |dir, cmd| {
    let footer = "Subscribe to the Ledger for unlimited access to local news and weather.";
    let article = |topic: &str| {
        format!(
            "The {topic} story opens here with words about the {topic} alone.\n\n\
             A second paragraph on the {topic}, with more words in it.\n\n{footer}"
        )
    };
    let line = |id: u32, topic: &str, extra: &str| {
        format!(
            "{{\"url\": \"https://example.com/{id}\", \"id\": {id}, \"text\": {}, \"meta\": {extra}}}\n",
            serde_json::to_string(&article(topic)).unwrap()
        )
    };
    // An escaped character in a text: written as read unless the text is
    // stripped.
    let input = line(1, "bridge", "{\"a\": [1, 2]}")
        + &line(2, "café", "null").replace('é', "\\u00e9")
        + &line(3, "school", "\"x\"")
        + &line(4, "bridge", "{\"a\": [1, 2]}");
    dir.create("in.jsonl", &input);
    let out =
        cmd.args(["clean", "in.jsonl", "-o", "out.jsonl.gz"]).expect_code(0);
    assert!(out.stdout.is_empty());
    let gz = std::fs::read(dir.path().join("out.jsonl.gz")).unwrap();
    let mut cleaned = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&gz[..]),
        &mut cleaned,
    )
    .unwrap();
    let lines: Vec<&str> = cleaned.lines().collect();
    assert_eq!(lines.len(), 3, "{cleaned}");
    for (got, original) in lines.iter().zip(input.lines()) {
        let (g, o): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(got).unwrap(),
            serde_json::from_str(original).unwrap(),
        );
        // Everything but the text is as it was, byte for byte.
        let cut = |s: &str| {
            s[..s.find("\"text\"").unwrap()].to_string()
                + &s[s.find(", \"meta\"").unwrap()..]
        };
        assert_eq!(cut(got), cut(original));
        assert_eq!(
            g["text"].as_str().unwrap(),
            o["text"].as_str().unwrap().replace(&format!("\n\n{footer}"), "")
        );
    }
    // --no-strip writes the kept lines as they were.
    let whole =
        dir.command().args(["clean", "--no-strip", "in.jsonl"]).stdout();
    assert_eq!(
        whole,
        input.lines().take(3).map(|l| format!("{l}\n")).collect::<String>()
    );
});

clitest!(clean_output_is_the_same_for_any_thread_count, |dir, cmd| {
    let a = cmd.args(["clean", "-j1"]).arg(fixture("news")).stdout();
    let b = dir
        .command()
        .args(["clean", "-j2", "--no-mmap"])
        .arg(fixture("news"))
        .stdout();
    assert_eq!(a, b);
});

clitest!(skipped_records_are_reported_and_exit_2, |dir, cmd| {
    dir.create(
        "in.jsonl",
        "{\"id\": \"a\", \"text\": \"the council approved the bridge budget on monday\"}\nnot json\n",
    );
    let out = cmd
        .args(["clean", "in.jsonl", "--report", "audit.jsonl"])
        .expect_code(2);
    assert_eq!(texts(&out.stdout).len(), 1);
    assert!(out.stderr.contains("in.jsonl: line 2"), "{}", out.stderr);
    assert_eq!(of_type(&dir.read("audit.jsonl"), "diagnostic").len(), 1);
});

clitest!(text_without_line_breaks_cleans_without_debris, |dir, cmd| {
    // One-line texts whose line breaks became two spaces: a menu, a
    // headline in lowercase, a byline, the story, a photo credit and a
    // footer.
    let (a, b) = (
        ["granite", "willow", "copper", "harbor", "meadow"],
        ["north", "river", "hill", "lake", "valley"],
    );
    let story = |i: usize| {
        format!(
            "The {} plan for the {} district was approved. Officials said the {} project would open soon. Residents of {} welcomed it.",
            a[i], b[i], a[i], b[i]
        )
    };
    let names = ["Ann Lee", "Bo Wu", "Cy Young", "Di Fox", "Ed Ray"];
    let input: String = (0..5)
        .map(|i| {
            let text = format!(
                "Skip to main content  Home | Local | Sport | Weather  the {} council backs the {} plan  By Ann Lee  {}  Photo: {} / Dalvale Journal  Subscribe to the Dalvale Journal for unlimited access to local news. © 2026 Dalvale Journal. All rights reserved.",
                b[i],
                a[i],
                story(i),
                names[i]
            );
            format!("{}\n", serde_json::json!({"id": i.to_string(), "text": text}))
        })
        .collect();
    dir.create("in.jsonl", &input);
    let out = cmd.args(["clean", "in.jsonl"]).expect_code(0);
    let kept = texts(&out.stdout);
    assert_eq!(kept.len(), 5, "{}", out.stdout);
    for (i, (_, text)) in kept.iter().enumerate() {
        // The menu with its bars, the credit and the footer are gone; the
        // headline, the byline and the story are left, and nothing else.
        assert_eq!(
            text,
            &format!(
                "the {} council backs the {} plan  By Ann Lee  {}",
                b[i],
                a[i],
                story(i)
            )
        );
    }
});

clitest!(skipped_records_are_counted_in_the_summary, |dir, cmd| {
    dir.create(
        "in.jsonl",
        "{\"id\": \"a\", \"text\": \"The council approved the bridge budget on Monday.\"}\n\
         {\"id\": \"b\", \"text\": \n\
         {\"id\": \"c\", \"body\": \"no text field\"}\n",
    );
    let out = cmd
        .args(["clean", "in.jsonl", "missing.jsonl", "-o", "out.jsonl"])
        .expect_code(2);
    let summary = out.stderr.lines().last().unwrap();
    assert!(
        summary.ends_with(
            "; 2 skipped records and 1 unread or cut-off file not written (see diagnostics)"
        ),
        "{summary}"
    );
    assert_eq!(texts(&dir.read("out.jsonl")).len(), 1);
    // Without skipped input the summary says nothing of it.
    let out = dir
        .command()
        .args(["clean", "out.jsonl", "-o", "again.jsonl"])
        .expect_code(0);
    assert!(!out.stderr.contains("not written"), "{}", out.stderr);
});

clitest!(the_audit_may_not_replace_the_corpus, |dir, cmd| {
    dir.create(
        "in.jsonl",
        "{\"id\": \"a\", \"text\": \"The council approved the bridge budget.\"}\n",
    );
    let args =
        |audit| ["clean", "in.jsonl", "-o", "out.jsonl", "--report", audit];
    let out = cmd.args(args("./out.jsonl")).expect_code(2);
    assert!(
        out.stderr.contains("-o and --report name the same file"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("out.jsonl").exists());
    dir.command().args(args("audit.jsonl")).expect_code(0);
    assert_eq!(texts(&dir.read("out.jsonl")).len(), 1);
});

clitest!(
    an_audit_to_standard_output_needs_the_corpus_in_a_file,
    |dir, cmd| {
        // `--report -` is standard output, as `-o -` is; not a file named `-`.
        let out = cmd
            .args(["clean", "-o", "kept.jsonl", "--report", "-"])
            .arg(fixture("news"))
            .stdout();
        let removed = of_type(&out, "removed");
        assert_eq!(removed.len(), 3, "{out}");
        assert_eq!(texts(&dir.read("kept.jsonl")).len(), 4);
        assert!(!dir.path().join("-").exists());
        // With the corpus on standard output as well, the two would mix.
        for corpus_to_stdout in [&[][..], &["-o", "-"][..]] {
            let err = dir
                .command()
                .args(["clean", "--report", "-"])
                .args(corpus_to_stdout)
                .arg(fixture("news"))
                .expect_code(2);
            assert!(err.stdout.is_empty());
            assert!(
                err.stderr.contains("would both go to standard output"),
                "{}",
                err.stderr
            );
        }
    }
);

clitest!(
    drop_covered_removes_a_truncated_copy_below_the_threshold,
    |dir, cmd| {
        // The news fixtures, and the opening of the storm article (its
        // headline, byline and first two paragraphs) as a file that comes
        // first: a copy far below the Jaccard threshold.
        for entry in std::fs::read_dir(fixture("news")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap();
            dir.create(&format!("news/{name}"), std::fs::read(&path).unwrap());
        }
        let storm = dir.read("news/07-storm-warning.txt");
        let excerpt: Vec<&str> = storm.split("\n\n").take(4).collect();
        dir.create("news/00-storm-opening.txt", excerpt.join("\n\n") + "\n");
        // File names of the ids, in the audit and in the cleaned corpus.
        let base = |id: &str| id.rsplit('/').next().unwrap().to_string();
        let name = |v: &serde_json::Value| base(v.as_str().unwrap());
        let names = |out: &str| -> Vec<String> {
            texts(out).iter().map(|(id, _)| base(id)).collect()
        };

        let plain = cmd
            .args(["clean", "--report", "plain.jsonl", "news"])
            .expect_code(0);
        assert!(
            names(&plain.stdout).contains(&"00-storm-opening.txt".to_string())
        );
        assert!(
            plain.stderr.contains("(3 removed as near-duplicates)"),
            "{}",
            plain.stderr
        );

        let out = dir
            .command()
            .args([
                "clean",
                "--drop-covered",
                "0.8",
                "--report",
                "audit.jsonl",
                "news",
            ])
            .expect_code(0);
        // The same corpus, less the opening.
        let mut expected = names(&plain.stdout);
        expected.retain(|n| n != "00-storm-opening.txt");
        assert_eq!(names(&out.stdout), expected);
        assert!(
            out.stderr.contains(
                "(3 removed as near-duplicates, 1 as covered by passages)"
            ),
            "{}",
            out.stderr
        );
        let audit = dir.read("audit.jsonl");
        let removed = of_type(&audit, "removed");
        assert_eq!(removed.len(), 4, "{audit}");
        let covered: Vec<&serde_json::Value> =
            removed.iter().filter(|r| r["kind"] == "covered").collect();
        assert_eq!(covered.len(), 1, "{removed:?}");
        let r = covered[0];
        assert_eq!(name(&r["doc"]), "00-storm-opening.txt");
        assert_eq!(name(&r["kept"]), "07-storm-warning.txt");
        assert_eq!(r["kept"], r["matched"]);
        assert!(r["cluster"].is_null() && r["similarity"].is_null(), "{r}");
        assert!(r["covered"].as_f64().unwrap() >= 0.8, "{r}");
        // Its passages are in the audit, between the two, and copies.
        let passages = of_type(&audit, "passage");
        let ids = r["passages"].as_array().unwrap();
        assert!(!ids.is_empty());
        for id in ids {
            let p =
                passages.iter().find(|p| &p["id"] == id).expect("reported");
            assert_eq!(name(&p["a"]["doc"]), "00-storm-opening.txt");
            assert_eq!(name(&p["b"]["doc"]), "07-storm-warning.txt");
            assert_ne!(p["kind"], "rewrite", "{p}");
        }
        // The same on one thread, read without mmap.
        let one = dir
            .command()
            .args(["clean", "-j1", "--no-mmap", "--drop-covered", "0.8"])
            .args(["--report", "one.jsonl", "news"])
            .expect_code(0);
        assert_eq!(one.stdout, out.stdout);
        assert_eq!(dir.read("one.jsonl"), audit);
        // The near-duplicates' records are as before, kind and all.
        let before: Vec<serde_json::Value> =
            of_type(&dir.read("plain.jsonl"), "removed");
        let after: Vec<serde_json::Value> = removed
            .iter()
            .filter(|r| r["kind"] != "covered")
            .cloned()
            .collect();
        assert_eq!(before, after);
    }
);

clitest!(a_chain_of_versions_is_not_kept_as_its_first, |dir, cmd| {
    // Eleven versions of the seed article, of its first 5 to 15 lines:
    // each a near-duplicate of the next, the first not of the last.
    let seed = std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
    let lines: Vec<&str> = seed.lines().collect();
    for n in 5..=15 {
        dir.create(&format!("v/{n:02}.txt"), lines[..n].join("\n") + "\n");
    }
    let scan = cmd.args(["scan", "--no-passages", "v"]).expect_code(0).stdout;
    let heading = scan.lines().next().unwrap();
    assert!(
        heading.starts_with("cluster 1 · 11 documents · keep v/05.txt and ")
    );
    assert!(heading.ends_with(" more that it does not hold"), "{heading}");

    let out = dir
        .command()
        .args(["clean", "--report", "audit.jsonl", "v"])
        .expect_code(0);
    let cluster = &of_type(&dir.read("audit.jsonl"), "cluster")[0];
    let kept: Vec<&str> = cluster["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(kept.len() > 1 && kept[0] == "v/05.txt", "{kept:?}");
    // The cleaned corpus is the kept versions, the whole article among
    // them or held by one at the threshold.
    let written: Vec<String> =
        texts(&out.stdout).into_iter().map(|(id, _)| id).collect();
    assert_eq!(written, kept);
    for r in of_type(&dir.read("audit.jsonl"), "removed") {
        assert!(kept.contains(&r["kept"].as_str().unwrap()), "{r}");
        assert_eq!(r["kept"], r["matched"]);
        assert!(r["contained"].as_f64().unwrap() >= 0.75, "{r}");
    }
    // The first version holds too little of the last to stand for it.
    assert!(
        kept.last() == Some(&"v/15.txt")
            || of_type(&dir.read("audit.jsonl"), "removed")
                .iter()
                .any(|r| r["doc"] == "v/15.txt" && r["kept"] != "v/05.txt")
    );
});
