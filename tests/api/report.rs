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
