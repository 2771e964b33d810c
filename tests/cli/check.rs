//! `rehash check`: drafts against an index, with an exit code to gate on.

use crate::util::{Dir, fixture, of_type, records};

/// The JSON report of a check with `args`, which must find something.
fn flagged_json(dir: &Dir, args: &[&str]) -> String {
    dir.command().args(args).args(["--format", "json"]).expect_code(1).stdout
}

/// The seed article cut at its wire credit line: the article, and the
/// recap that rewrites it.
fn seed_halves() -> (String, String) {
    let text = std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
    let credit = text.find("Reporting by").unwrap();
    let end = credit + text[credit..].find('\n').unwrap();
    (text[..credit].to_string(), text[end + 1..].to_string())
}

clitest!(a_rewritten_draft_is_found_and_fails_the_check, |dir, cmd| {
    let (article, recap) = seed_halves();
    dir.create("published/article.txt", &article);
    for name in ["01-bridge-council.txt", "05-school-board.txt"] {
        let news = std::fs::read(fixture("news").join(name)).unwrap();
        dir.create(&format!("published/{name}"), news);
    }
    dir.create("draft.txt", &recap);
    let out = cmd
        .args(["check", "--format", "json", "draft.txt", "-a", "published"])
        .expect_code(1)
        .stdout;
    let passages = of_type(&out, "passage");
    // Each recap paragraph (lines 1-5 of the draft; the fifth recaps two
    // paragraphs) beside the article paragraph it rewrites.
    let mut got: Vec<(u64, String, u64)> = passages
        .iter()
        .map(|p| {
            (
                p["a"]["line"].as_u64().unwrap(),
                p["b"]["doc"].as_str().unwrap().to_string(),
                p["b"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort_unstable();
    let art = "published/article.txt".to_string();
    let expected: Vec<(u64, String, u64)> =
        [(2, 1), (3, 2), (4, 3), (5, 1), (5, 4), (6, 1)]
            .into_iter()
            .map(|(a, b)| (a, art.clone(), b))
            .collect();
    assert_eq!(got, expected);
    for p in &passages {
        assert_eq!(p["a"]["doc"], "draft.txt");
        // The seed has no blank lines: its paragraphs are its lines.
        assert_eq!(p["a"]["paragraph"], p["a"]["line"]);
        assert_eq!(p["b"]["paragraph"], p["b"]["line"]);
        let (s, e) = (
            p["a"]["start"].as_u64().unwrap(),
            p["a"]["end"].as_u64().unwrap(),
        );
        assert!(s < e && e as usize <= recap.len());
    }
    let check = of_type(&out, "check");
    assert_eq!(check.len(), 1);
    assert_eq!(check[0]["drafts"], 1);
    assert_eq!(check[0]["index"], 3);
    assert_eq!(check[0]["flagged"], 1);
    // Nothing but links of the draft, and no clusters.
    for (kind, _) in records(&out) {
        assert!(
            [
                "passage",
                "overlap",
                "boilerplate",
                "boilerplate_span",
                "draft",
                "check",
                "summary"
            ]
            .contains(&kind.as_str()),
            "{kind}"
        );
    }
    // The text report shows the draft's side first.
    let text = dir
        .command()
        .args(["check", "draft.txt", "-a", "published"])
        .expect_code(1)
        .stdout;
    // The heading says how much of the draft the passages cover, as the
    // JSON report's draft record does.
    let covered = of_type(&out, "draft")[0]["covered"].as_f64().unwrap();
    let heading = format!(
        "draft.txt · 0 near-duplicates · 6 passages · {}% of its text in passages\n",
        (covered * 100.0).round()
    );
    assert!(text.starts_with(&heading), "{text}");
    assert!(
        text.contains("  ¶4 4:31 ↔ published/article.txt ¶3 3:11  "),
        "{text}"
    );
    assert!(
        text.contains("1 draft checked against 3 documents: 1 with findings"),
        "{text}"
    );
});

clitest!(a_draft_with_nothing_in_the_index_passes, |dir, cmd| {
    let (article, _) = seed_halves();
    dir.create("published/article.txt", article);
    let storm = std::fs::read(fixture("news/07-storm-warning.txt")).unwrap();
    dir.create("draft.txt", storm);
    let out = cmd.args(["check", "draft.txt", "-a", "published"]).stdout();
    eqnice!("1 draft checked against 1 document: nothing found\n", out);
});

clitest!(a_draft_inside_the_index_is_not_its_own_copy, |dir, cmd| {
    // The news fixtures: 03 and 06 are copies, 07 has no relative.
    let out = cmd
        .args(["check", "--format", "json"])
        .arg(fixture("news/07-storm-warning.txt"))
        .arg("-a")
        .arg(fixture("news"))
        .stdout();
    let check = &of_type(&out, "check")[0];
    assert_eq!(
        (check["index"].as_u64(), check["ignored"].as_u64()),
        (Some(6), Some(1))
    );
    assert!(of_type(&out, "duplicate").is_empty());
    // Its file read twice is no problem of the input, even with --strict.
    assert!(of_type(&out, "diagnostic").is_empty());
    let strict = dir
        .command()
        .args(["check", "--strict", "--format", "json"])
        .arg(fixture("news/07-storm-warning.txt"))
        .arg("-a")
        .arg(fixture("news"))
        .stdout();
    assert_eq!(of_type(&strict, "check"), of_type(&out, "check"));
    // A copy elsewhere in the index is still found.
    let out = dir
        .command()
        .args(["check", "--format", "json"])
        .arg(fixture("news/03-harvest-festival.txt"))
        .arg("-a")
        .arg(fixture("news"))
        .expect_code(1)
        .stdout;
    let dups = of_type(&out, "duplicate");
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0]["kind"], "exact");
    assert!(
        dups[0]["b"]
            .as_str()
            .unwrap()
            .ends_with("06-harvest-festival-copy.txt")
    );
});

clitest!(drafts_from_standard_input_are_checked, |dir, cmd| {
    let (article, recap) = seed_halves();
    dir.create("article.txt", article);
    let out = cmd
        .args(["check", "--format", "json", "-", "-a", "article.txt"])
        .stdin(recap)
        .expect_code(1)
        .stdout;
    assert_eq!(of_type(&out, "passage").len(), 6);
    assert!(
        of_type(&out, "passage").iter().all(|p| p["a"]["doc"] == "<stdin>")
    );
});

clitest!(a_check_without_drafts_or_index_is_an_error, |dir, cmd| {
    dir.create(
        "a.txt",
        "The council approved the bridge budget on Monday evening.",
    );
    let out = cmd.args(["check", "missing.txt", "-a", "a.txt"]).expect_code(2);
    assert!(out.stderr.contains("no drafts to check"), "{}", out.stderr);
    let out =
        dir.command().args(["check", "a.txt", "-a", "a.txt"]).expect_code(2);
    assert!(out.stderr.contains("nothing to check against"), "{}", out.stderr);
    let out = dir.command().args(["check", "a.txt"]).expect_code(2);
    assert!(out.stderr.contains("--against"), "{}", out.stderr);
});

clitest!(a_skipped_record_outranks_a_finding, |dir, cmd| {
    let (article, recap) = seed_halves();
    let line = |id: &str, text: &str| {
        format!("{}\n", serde_json::json!({ "id": id, "text": text }))
    };
    dir.create("index.jsonl", line("article", &article) + "{not json\n");
    dir.create("draft.txt", recap);
    let out =
        cmd.args(["check", "draft.txt", "-a", "index.jsonl"]).expect_code(2);
    assert!(out.stderr.contains("index.jsonl"), "{}", out.stderr);
    assert!(out.stdout.contains("1 with findings"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 record and 0 files skipped"),
        "{}",
        out.stdout
    );
});

clitest!(
    an_index_copy_of_one_draft_is_checked_against_the_others,
    |dir, cmd| {
        // Two drafts: a copy of the archived story, and a new story that
        // takes one of its sentences. The archived story must stay in the
        // index for the second draft, though the first draft is a copy of it.
        let archive = "Council weighs water rate increase\n\n\
        Members of the city council said on Monday they were considering a \
        rise in water rates to pay for replacing old pipes beneath the east \
        side of the city.\n\n\
        A vote is expected next week. The utility director told members the \
        pipe program would take about ten years to finish.\n\n\
        Some residents have already objected to the plan.\n";
        let draft = "Water rates to rise next year\n\n\
        The city council voted on Tuesday to raise water rates by 6 percent \
        starting in January, citing the cost of replacing aging pipes.\n\n\
        Residents who spoke at the meeting said the increase would strain \
        household budgets already stretched by higher heating bills.\n\n\
        The utility director said the pipe program would take about ten \
        years to finish.\n";
        dir.create("drafts/a-copy.txt", archive);
        dir.create("drafts/b-new.txt", draft);
        dir.create("archive/story.txt", archive);
        let out = cmd
            .args(["check", "--format", "json", "drafts", "-a", "archive"])
            .expect_code(1)
            .stdout;
        let dups = of_type(&out, "duplicate");
        assert_eq!(dups.len(), 1, "{out}");
        assert_eq!(
            (
                dups[0]["a"].as_str(),
                dups[0]["b"].as_str(),
                dups[0]["kind"].as_str()
            ),
            (
                Some("drafts/a-copy.txt"),
                Some("archive/story.txt"),
                Some("exact")
            )
        );
        let passages: Vec<(String, String)> = of_type(&out, "passage")
            .iter()
            .map(|p| (p["a"]["doc"].to_string(), p["b"]["doc"].to_string()))
            .collect();
        // The exact copy says it all: no passages of it besides.
        let expected = ("\"drafts/b-new.txt\"", "\"archive/story.txt\"");
        assert_eq!(
            passages,
            [(expected.0.into(), expected.1.into())],
            "{out}"
        );
        assert_eq!(of_type(&out, "check")[0]["flagged"], 2);
    }
);

clitest!(a_draft_span_found_in_several_copies_is_quoted_once, |dir, cmd| {
    // The article's second paragraph, run by three outlets under their own
    // headlines and with other paragraphs of their own, and quoted by the
    // draft.
    let (article, _) = seed_halves();
    let quoted: &str = article.lines().nth(1).unwrap();
    let own = [
        "The outlet's own introduction talks about the weather in the harbour town this week.",
        "Farmers in the valley expect an early harvest after the warmest spring in twenty years.",
        "A local choir will sing at the cathedral on Sunday to raise money for the new organ.",
    ];
    for (i, intro) in own.iter().enumerate() {
        dir.create(&format!("index/{i}.txt"), format!("{intro}\n{quoted}\n"));
    }
    dir.create(
        "draft.txt",
        format!("Our reporter watched the talks from the press room downstairs.\n{quoted}\n"),
    );
    let args = ["check", "draft.txt", "-a", "index"];
    let json = flagged_json(&dir, &args);
    let passages = of_type(&json, "passage");
    let mut docs: Vec<&str> =
        passages.iter().map(|p| p["b"]["doc"].as_str().unwrap()).collect();
    docs.sort_unstable();
    assert_eq!(docs, ["index/0.txt", "index/1.txt", "index/2.txt"], "{json}");

    let text = cmd.args(args).expect_code(1).stdout;
    let opening: String =
        quoted.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    // Both quotes once: the draft's and the index's.
    assert_eq!(text.matches(&opening).count(), 2, "{text}");
    let also: Vec<&str> =
        text.lines().filter(|l| l.trim_start().starts_with("also ")).collect();
    assert_eq!(also.len(), 2, "{text}");
    for (line, doc) in also.iter().zip(["index/1.txt", "index/2.txt"]) {
        assert!(line.contains(&format!("{doc} ¶2 2:1")), "{line}");
        assert!(line.ends_with("1.0000 verbatim"), "{line}");
    }
});

/// The seed article as the index (`index/article.txt`), and `a.txt`, a
/// draft that quotes its first paragraph after a line of its own. Returns
/// the article and the quoted paragraph.
fn quoting_draft(dir: &Dir) -> (String, String) {
    let (article, _) = seed_halves();
    let quoted = article.lines().nth(1).unwrap().to_string();
    dir.create("index/article.txt", &article);
    let own = "Our reporter watched the talks from the press room downstairs.";
    dir.create("a.txt", format!("{own}\n{quoted}\n"));
    (article, quoted)
}

clitest!(each_draft_has_a_record_of_its_findings, |dir, cmd| {
    // One draft quotes a paragraph of the article; the other has nothing
    // from the index.
    let (_, quoted) = quoting_draft(&dir);
    let quoted = quoted.as_str();
    dir.create(
        "b.txt",
        "Farmers in the valley expect an early harvest after the warmest spring in twenty years.\n",
    );
    let args = ["check", "a.txt", "b.txt", "-a", "index"];
    let json = flagged_json(&dir, &args);
    let kinds: Vec<String> =
        records(&json).into_iter().map(|(k, _)| k).collect();
    let n = kinds.len();
    assert_eq!(
        kinds[n - 4..],
        ["draft", "draft", "check", "summary"],
        "{json}"
    );
    let drafts = of_type(&json, "draft");
    let (a, b) = (&drafts[0], &drafts[1]);
    assert_eq!(
        (a["doc"].as_str(), b["doc"].as_str()),
        (Some("a.txt"), Some("b.txt"))
    );
    // The quoted paragraph, from its first word to its last, is what the
    // passage covers.
    let text = dir.read("a.txt");
    let passage = &of_type(&json, "passage")[0];
    let side = if passage["a"]["doc"] == "a.txt" {
        &passage["a"]
    } else {
        &passage["b"]
    };
    let (s, e) =
        (side["start"].as_u64().unwrap(), side["end"].as_u64().unwrap());
    assert!(quoted.contains(&text[s as usize..e as usize]));
    assert_eq!(a["covered_bytes"].as_u64(), Some(e - s), "{a}");
    assert_eq!(a["bytes"].as_u64(), Some(text.len() as u64));
    let share = (e - s) as f64 / text.len() as f64;
    assert!((a["covered"].as_f64().unwrap() - share).abs() < 1e-4, "{a}");
    assert_eq!(
        (a["passages"].as_u64(), a["near_duplicates"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(a["best_passage"].as_f64(), Some(1.0));
    assert!(a["best_duplicate"].is_null());
    // A draft with nothing found has its record too, with zeros.
    assert_eq!(
        (b["passages"].as_u64(), b["covered"].as_f64()),
        (Some(0), Some(0.0))
    );
    assert!(b["best_passage"].is_null() && b["best_duplicate"].is_null());

    let out = cmd.args(args).expect_code(1).stdout;
    let heading = format!(
        "a.txt · 0 near-duplicates · 1 passage · {}% of its text in passages",
        (share * 100.0).round()
    );
    assert!(out.starts_with(&heading), "{out}");
});

clitest!(fail_covered_fails_only_drafts_that_reuse_enough, |dir, cmd| {
    // a.txt quotes one paragraph of the article beside a line of its own;
    // copy.txt is the article.
    let (article, _) = quoting_draft(&dir);
    dir.create("copy.txt", &article);
    let json = flagged_json(&dir, &["check", "a.txt", "-a", "index"]);
    let share = of_type(&json, "draft")[0]["covered"].as_f64().unwrap();
    assert!((0.5..0.95).contains(&share), "{share}");
    assert_eq!(of_type(&json, "draft")[0]["fails"], true);

    // Above the quote's share: a.txt passes, the copy fails all the same
    // (a near-duplicate), so the check fails.
    let above = format!("{:.2}", share + 0.04);
    let args = ["check", "a.txt", "copy.txt", "-a", "index"];
    let json =
        flagged_json(&dir, &[&args[..], &["--fail-covered", &above]].concat());
    let drafts = of_type(&json, "draft");
    assert_eq!(
        (&drafts[0]["fails"], &drafts[1]["fails"]),
        (&false.into(), &true.into())
    );
    let check = &of_type(&json, "check")[0];
    assert_eq!(
        (check["flagged"].as_u64(), check["failed"].as_u64()),
        (Some(2), Some(1))
    );
    // a.txt alone passes: exit 0, its findings still reported.
    let out = cmd
        .args(["check", "a.txt", "-a", "index", "--fail-covered", &above])
        .expect_code(0)
        .stdout;
    assert!(out.lines().next().unwrap().ends_with(" · passes"), "{out}");
    assert!(
        out.contains(
            "1 with findings (0 near-duplicates, 1 passage); 0 failing"
        ),
        "{out}"
    );
    // Below it, a.txt fails.
    let below = format!("{:.2}", share - 0.04);
    let out = dir
        .command()
        .args(["check", "a.txt", "-a", "index", "--fail-covered", &below])
        .expect_code(1)
        .stdout;
    assert!(out.lines().next().unwrap().ends_with(" · fails"), "{out}");
    assert!(
        out.contains("; 1 failing (a near-duplicate, or at least"),
        "{out}"
    );
    // Without the flag, neither word is shown.
    let out = dir
        .command()
        .args(["check", "a.txt", "-a", "index"])
        .expect_code(1)
        .stdout;
    assert!(!out.contains("passes") && !out.contains("failing"), "{out}");
});

clitest!(
    a_wire_paragraph_that_several_index_articles_quote_is_found,
    |dir, cmd| {
        // Four unrelated stories run the same wire paragraph after their first
        // paragraph, and the draft runs it between two of its own: a paragraph
        // in four index documents that are not copies recurs as a long footer
        // does, but stands in their text.
        let wire = "The regional transit authority said on Tuesday that it would \
                suspend overnight service on three commuter lines for six weeks \
                while crews replace worn signal cables, a project that officials \
                expect to affect about nine thousand riders each night.";
        let stories = [
            "01-bridge-council.txt",
            "03-harvest-festival.txt",
            "05-school-board.txt",
            "07-storm-warning.txt",
        ];
        for name in stories {
            let text =
                std::fs::read_to_string(fixture("news").join(name)).unwrap();
            let paragraphs: Vec<&str> = text.split("\n\n").collect();
            let mut quoting = paragraphs[..3].to_vec();
            quoting.push(wire);
            quoting.extend(&paragraphs[3..]);
            dir.create(&format!("index/{name}"), quoting.join("\n\n"));
        }
        let seed =
            std::fs::read_to_string(fixture("seed-article.txt")).unwrap();
        let lines: Vec<&str> = seed.lines().collect();
        let draft = format!(
            "{}\n{wire}\n{}\n",
            lines[..3].join("\n"),
            lines[3..6].join("\n")
        );
        dir.create("draft.txt", &draft);
        let json = flagged_json(&dir, &["check", "draft.txt", "-a", "index"]);
        let at = draft.find(wire).unwrap();
        let mut quoted: Vec<String> = of_type(&json, "passage")
            .iter()
            .filter(|p| {
                let s = p["a"]["start"].as_u64().unwrap() as usize;
                let e = p["a"]["end"].as_u64().unwrap() as usize;
                p["a"]["doc"] == "draft.txt"
                    && s >= at
                    && e <= at + wire.len()
                    && e - s > wire.len() * 9 / 10
                    && p["kind"] == "verbatim"
            })
            .map(|p| p["b"]["doc"].as_str().unwrap().to_string())
            .collect();
        quoted.sort_unstable();
        let expected: Vec<String> =
            stories.iter().map(|name| format!("index/{name}")).collect();
        assert_eq!(quoted, expected, "{json}");
        // Nor is it boilerplate of the index: a scan finds it quoted in each
        // pair of the stories.
        let out = cmd
            .args(["scan", "--format", "json", "index"])
            .expect_code(0)
            .stdout;
        let templates = of_type(&out, "boilerplate");
        assert!(
            templates.iter().all(|t| !t["template"]
                .as_str()
                .unwrap()
                .starts_with("The regional transit")),
            "{out}"
        );
        let wired = of_type(&out, "passage")
            .iter()
            .filter(|p| {
                let s = p["a"]["start"].as_u64().unwrap() as usize;
                let e = p["a"]["end"].as_u64().unwrap() as usize;
                e - s > wire.len() * 9 / 10 && p["kind"] == "verbatim"
            })
            .count();
        assert_eq!(wired, 6, "{out}");
    }
);
