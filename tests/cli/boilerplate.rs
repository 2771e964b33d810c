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
