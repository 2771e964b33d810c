//! Boilerplate: recurring lines and templates, found across documents,
//! reported as an inventory and spans, and left out of similarities.

use crate::util::{Dir, of_type, pairs, summary};

/// A footer long enough to make two short briefs look alike.
const FOOTER: &str = "Subscribe to the Riverton Ledger for unlimited access to local news, sports and weather.
Comments are moderated and may take up to 24 hours to appear on the site.
This material may not be published, broadcast, rewritten or redistributed without permission.
Copyright 2026 Riverton Ledger. All rights reserved.";

fn briefs(dir: &Dir) {
    dir.create(
        "a.txt",
        format!("Library hours change\n\nThe public library will close at six on weekdays starting next month.\n\n{FOOTER}\n"),
    );
    dir.create(
        "b.txt",
        format!("Road work on Elm Street\n\nCrews will repave Elm Street between Fourth and Ninth next week.\n\n{FOOTER}\n"),
    );
}

clitest!(briefs_sharing_a_footer_are_not_duplicates, |dir, cmd| {
    // Even at a threshold as low as 0.5 the briefs are not near-duplicates
    // once the footer is recognised; counted in, it makes them ones.
    briefs(&dir);
    let base = ["scan", "--format", "json", "-t", "0.5", "a.txt", "b.txt"];
    let out = cmd.args(base).stdout();
    assert!(pairs(&out).is_empty(), "{out}");
    let s = summary(&out);
    assert_eq!(s["boilerplate_templates"], 4, "{s}");
    assert_eq!(s["boilerplate_spans"], 8, "{s}");

    // Counted in, the footer makes the briefs near-duplicates: the masking
    // is what keeps them apart.
    for flag in ["--keep-boilerplate", "--no-boilerplate"] {
        let out = dir.command().args(base).arg(flag).stdout();
        assert_eq!(pairs(&out).len(), 1, "{flag}: {out}");
        let d = &of_type(&out, "duplicate")[0];
        let j = d["similarity"].as_f64().unwrap();
        assert!((0.5..0.75).contains(&j), "{flag}: {d}");
    }
    let out = dir.command().args(base).arg("--no-boilerplate").stdout();
    assert!(of_type(&out, "boilerplate").is_empty());
    assert_eq!(summary(&out)["boilerplate_spans"], 0);
});

clitest!(spans_cover_the_footer_lines_exactly, |dir, cmd| {
    briefs(&dir);
    let out =
        cmd.args(["scan", "--format", "json", "a.txt", "b.txt"]).stdout();
    let text = dir.read("a.txt");
    let lines: Vec<&str> = of_type(&out, "boilerplate_span")
        .iter()
        .filter(|s| s["doc"] == "a.txt")
        .map(|s| {
            let (start, end) =
                (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            &text[start as usize..end as usize]
        })
        .collect();
    assert_eq!(lines, FOOTER.lines().collect::<Vec<_>>());
});

clitest!(names_and_numbers_are_masked_in_templates, |dir, cmd| {
    let credits = [
        "Reporting by Ann Lee in Boston; Editing by Bo Wu",
        "Reporting by Humeyra Pamuk in Beijing; Editing by Simon Cameron-Moore",
        "Reporting by Jo Kim in Seoul; Editing by Al Roy and Mia Tan",
    ];
    let stories = [
        "Officials approved a new budget for the harbour after a long debate over costs and delays.",
        "The festival drew crowds to the river front despite a cold rain that lasted all afternoon.",
        "Farmers in the valley expect an early harvest after the warmest spring in twenty years.",
    ];
    for (i, (credit, story)) in credits.iter().zip(stories).enumerate() {
        dir.create(&format!("{i}.txt"), format!("{story}\n{credit}\n"));
    }
    let out = cmd.args(["scan", "--format", "json", "."]).stdout();
    let inventory = of_type(&out, "boilerplate");
    assert_eq!(inventory.len(), 1, "{out}");
    assert_eq!(inventory[0]["template"], "Reporting by … in …; Editing by …");
    assert_eq!(inventory[0]["masked"], true);
    assert_eq!(inventory[0]["documents"], 3);
    assert_eq!(
        inventory[0]["examples"],
        serde_json::json!(["./0.txt", "./1.txt", "./2.txt"])
    );

    let text = dir.command().args(["scan", "--color", "never", "."]).stdout();
    assert!(
        text.contains("      3 docs  Reporting by … in …; Editing by …"),
        "{text}"
    );
});

clitest!(min_docs_sets_the_bar, |dir, cmd| {
    briefs(&dir);
    let base = ["scan", "--format", "json", "a.txt", "b.txt"];
    let out = cmd.args(base).args(["--boilerplate-min-docs", "3"]).stdout();
    assert_eq!(summary(&out)["boilerplate_templates"], 0);
    assert_eq!(summary(&out)["params"]["boilerplate_min_docs"], 3);
    let out = dir.command().args(base).stdout();
    assert_eq!(summary(&out)["params"]["boilerplate_min_docs"], 2);
    let out = dir
        .command()
        .args(base)
        .args(["--boilerplate-min-docs", "0"])
        .expect_code(2);
    assert!(out.stderr.contains("boilerplate min docs must be at least 1"));
});

clitest!(min_docs_of_one_takes_lines_repeated_in_a_document, |dir, cmd| {
    // With one document, a line recurs only by repeating in it.
    let text = "Markets rally on rate hopes\n\nAdvertisement\n\n\
        Stocks rose on Tuesday as traders bet that the central bank would cut \
        interest rates later this year, lifting shares of banks, builders and \
        retailers across the board.\n\nAdvertisement\n\n\
        Bond yields fell to their lowest level in three months.\n";
    dir.create("a.txt", text);
    let base = ["scan", "--format", "json", "a.txt"];
    let out = cmd.args(base).args(["--boilerplate-min-docs", "1"]).stdout();
    let spans: Vec<&str> = of_type(&out, "boilerplate_span")
        .iter()
        .map(|s| {
            let (start, end) =
                (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            &text[start as usize..end as usize]
        })
        .collect();
    assert_eq!(spans, ["Advertisement", "Advertisement"], "{out}");
    assert_eq!(summary(&out)["boilerplate_templates"], 1, "{out}");
    let out = dir.command().args(base).stdout();
    assert_eq!(summary(&out)["boilerplate_spans"], 0, "{out}");
});

clitest!(lines_shared_by_copies_are_not_boilerplate, |dir, cmd| {
    // Three copies of one story with different footers: every line of the
    // story recurs, but in copies, so none of it is boilerplate.
    let story = "The council voted on Monday to approve the new bridge over the Calder River, ending two years of debate.\n\
                 The old bridge was closed to trucks last spring after inspectors found corrosion in its supports.\n\
                 Construction is expected to begin in the spring and take about three years to finish.";
    for (i, outlet) in ["Ledger", "Courier", "Gazette"].iter().enumerate() {
        dir.create(
            &format!("{i}.txt"),
            format!("{story}\nRead more at the {outlet} website today.\n"),
        );
    }
    let out = cmd.args(["scan", "--format", "json", "."]).stdout();
    assert!(of_type(&out, "boilerplate").is_empty(), "{out}");
    assert_eq!(pairs(&out).len(), 3, "{out}");
});

clitest!(footers_without_line_breaks_are_found_by_sentence, |dir, cmd| {
    // JSON Lines whose texts lost their line breaks: two briefs and two
    // articles of one outlet, each ending in its footer. Alone, the briefs
    // would be taken for copies of each other: in text without lines the
    // copy check compares whole texts, footer included.
    let footer = FOOTER.replace('\n', " ");
    let bodies = [
        "Library hours change. The public library will close at six on weekdays starting next month.",
        "Road work on Elm Street. Crews will repave Elm Street between Fourth and Ninth next week.",
        "Council approves harbour budget. The city council approved a new budget for the harbour on Tuesday after a long debate over costs, delays and the state of the old sea wall. Work on the wall is expected to start in the spring. Several residents asked the council to publish the engineering report before any contract is signed. The harbour master told members that two of the piers had been closed to heavy vehicles since the storms in January, and that fishing boats now unload at the ferry terminal. The mayor said the budget leaves room for a second phase if grants from the regional fund come through next year.",
        "Festival draws crowds despite rain. Thousands of visitors came to the river front for the annual lantern festival, although a cold rain fell for most of the afternoon. Organisers said food stalls sold out by early evening. The parade was moved indoors to the exhibition hall, where local bands played until midnight. Police said the evening passed without incident, apart from a long queue for the shuttle buses back to the station. Next year the festival will add a second weekend, the organisers said, because the old town square can no longer hold everyone who wants to come.",
    ];
    let jsonl: String = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let text = format!("{body} {footer}");
            format!(
                "{}\n",
                serde_json::json!({"id": i.to_string(), "text": text})
            )
        })
        .collect();
    dir.create("c.jsonl", jsonl);
    let base = ["scan", "--format", "json", "-t", "0.5", "c.jsonl"];
    let out = cmd.args(base).stdout();
    assert!(pairs(&out).is_empty(), "{out}");
    let spans = of_type(&out, "boilerplate_span");
    for (i, body) in bodies.iter().enumerate() {
        let (id, text) = (i.to_string(), format!("{body} {footer}"));
        let found: Vec<&str> = spans
            .iter()
            .filter(|s| s["doc"] == id.as_str())
            .map(|s| {
                assert_eq!(s["reason"], "sentence", "{s}");
                let (start, end) =
                    (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
                &text[start as usize..end as usize]
            })
            .collect();
        // Contiguous: each sentence's span runs to the next one's start.
        assert_eq!(found.concat(), footer, "document {i}");
    }
    let inventory = of_type(&out, "boilerplate");
    assert!(!inventory.is_empty());
    assert!(inventory.iter().all(|t| t["inline"] == true), "{out}");
    assert_eq!(summary(&out)["params"]["boilerplate_inline"], true);

    // Without sentences, the footer is not found and makes the briefs
    // near-duplicates.
    let out = dir.command().args(base).arg("--no-boilerplate-inline").stdout();
    assert!(of_type(&out, "boilerplate_span").is_empty(), "{out}");
    assert_eq!(pairs(&out), [("0".to_string(), "1".to_string())]);
    assert_eq!(summary(&out)["params"]["boilerplate_inline"], false);
});

clitest!(long_templates_are_cut_in_the_text_report_only, |dir, cmd| {
    // A recurring line of 400 words, in three articles of 2,400 words of
    // their own: the text report shows it cut in the middle, JSON Lines
    // whole.
    let long: Vec<String> = (0..400).map(|i| format!("word{i}x")).collect();
    let long = long.join(" ");
    for d in 0..3 {
        let own: Vec<String> = (0..60)
            .map(|l| {
                let words: Vec<String> =
                    (0..40).map(|i| format!("own{d}l{l}w{i}")).collect();
                words.join(" ")
            })
            .collect();
        dir.create(
            &format!("{d}.txt"),
            format!("{}\n{long}\n", own.join("\n")),
        );
    }
    let out = cmd.args(["scan", "--format", "json", "."]).stdout();
    let inventory = of_type(&out, "boilerplate");
    assert_eq!(inventory.len(), 1, "{out}");
    assert_eq!(inventory[0]["template"], long.as_str());
    let text = dir.command().args(["scan", "--color", "never", "."]).stdout();
    let line = text.lines().find(|l| l.contains(" docs  word0x")).unwrap();
    assert!(line.contains("word0x word1x"), "{line}");
    assert!(line.contains(" … "), "{line}");
    assert!(line.ends_with("word399x"), "{line}");
    assert!(line.len() < 200, "{line}");
});

clitest!(
    documents_are_shown_by_their_text_after_a_leading_menu,
    |dir, cmd| {
        // Every page opens with the site's menu; a cluster that showed each
        // copy's opening words would show the menu twice.
        let menu = "Skip to main content\nHome | News | Sports | Weather | Obituaries\n";
        let story = "The public library will close at six on weekdays starting next month, \
        the city said on Friday, after a review of visits found few readers after dark. \
        Weekend hours stay the same, and the children's room keeps its late opening on Thursdays.";
        let pages = [
        ("a.txt", "Library hours change", story.to_string()),
        ("b.txt", "Library to close earlier", story.replace("Friday", "Thursday")),
        ("c.txt", "Road work on Elm Street", "Crews will repave Elm Street between Fourth and Ninth next week.".to_string()),
        ("d.txt", "Harvest festival returns", "The festival drew crowds to the market square despite a cold rain.".to_string()),
    ];
        for (name, headline, body) in &pages {
            dir.create(name, format!("{menu}\n{headline}\n\n{body}\n"));
        }
        let out =
            cmd.args(["scan", "--no-passages", "-t", "0.5", "."]).stdout();
        let shown: Vec<&str> =
            out.lines().filter(|l| l.contains(" words  ")).collect();
        assert_eq!(shown.len(), 2, "{out}");
        for (line, headline) in shown
            .iter()
            .zip(["Library hours change", "Library to close earlier"])
        {
            let opening = line.split(" words  ").nth(1).unwrap();
            assert!(opening.starts_with(headline), "{line}\n{out}");
        }
        // Without boilerplate detection the menu is all there is to see.
        let out = dir
            .command()
            .args([
                "scan",
                "--no-passages",
                "--no-boilerplate",
                "-t",
                "0.5",
                ".",
            ])
            .stdout();
        assert!(out.contains("words  Skip to main content Home"), "{out}");
    }
);
