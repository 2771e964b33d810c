//! A JSON report reads back: as the messages that were written, and as
//! the same predictions `rehash eval` takes from the report in memory.

use rehash::eval::Predictions;
use rehash::report::json::{self, Message};
use rehash::synth::{Spec, generate};
use rehash::{Config, Corpus, Pipeline, Report};

fn report() -> Report {
    let synth =
        generate(&Spec { docs: 120, words: 200, seed: 7, ..Spec::default() });
    let corpus = Corpus::from_texts(
        synth.docs.iter().map(|d| (d.id.clone(), d.text.clone())),
    );
    Pipeline::new(Config::default()).run(&corpus)
}

#[test]
fn written_messages_parse_back_the_same() {
    let report = report();
    let mut out = Vec::new();
    json::write(&mut out, &report).unwrap();
    let text = String::from_utf8(out).unwrap();
    let read: Vec<Message<'_>> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let written: Vec<Message<'_>> = json::messages(&report).collect();
    assert_eq!(read.len(), written.len());
    assert_eq!(read, written);
}

#[test]
fn predictions_from_a_written_report_equal_those_in_memory() {
    let report = report();
    assert!(!report.duplicates.is_empty(), "the corpus plants copies");
    assert!(!report.passages.is_empty(), "and recaps");
    assert!(!report.boilerplate_spans.is_empty(), "and footers");
    let mut out = Vec::new();
    json::write(&mut out, &report).unwrap();
    let read = Predictions::parse(out.as_slice()).unwrap();
    assert_eq!(read, Predictions::from_report(&report));
}

#[test]
fn each_boilerplate_span_reads_as_its_template() {
    // Short lines of two kinds, each its own template: 100 in documents 1,
    // 2 and 3 (listed first, in more documents, with examples in document
    // 1) and 100 in documents 0 and 3 (examples in document 0), between
    // lines of each document's own. Words of letters only: names and
    // numbers would be masked into one template.
    let word = |mut n: usize| -> String {
        let mut w = String::new();
        for _ in 0..4 {
            w.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
        }
        w
    };
    let line = |n: usize| -> String {
        (0..6).map(|k| word(n * 6 + k)).collect::<Vec<_>>().join(" ") + "."
    };
    let doc = |d: usize, kinds: &[usize]| -> String {
        kinds
            .iter()
            .flat_map(|&k| (0..100).map(move |i| (k, i)))
            .map(|(k, i)| {
                let own = line(1000 + 1000 * d + 100 * k + i);
                format!("{}\n{own}", line(100 * k + i))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let texts = [doc(0, &[0]), doc(1, &[1]), doc(2, &[1]), doc(3, &[0, 1])];
    let corpus = Corpus::from_texts(
        texts.iter().enumerate().map(|(d, t)| (format!("r{d}"), t.clone())),
    );
    let report = Pipeline::new(Config::default()).run(&corpus);
    let recurring = report.boilerplate.iter().filter(|t| !t.masked).count();
    assert!(recurring >= 200, "{recurring}");
    let mut read = 0;
    for span in &report.boilerplate_spans {
        let Some(id) = span.template else { continue };
        let template = &report.boilerplate[id as usize - 1];
        assert_eq!(template.id, id);
        if !template.masked {
            let text = &texts[span.doc.index()];
            let (start, end) = (span.start as usize, span.end as usize);
            assert_eq!(&text[start..end], template.text);
            read += 1;
        }
    }
    assert!(read >= 500, "{read}");
}
