//! Command-line arguments (clap) and how each command runs. Only the
//! binary sees this module; it converts arguments into library configs
//! (`convert.rs`) and never does work the library could do.

mod convert;
mod output;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use rehash::corpus::Input;
use rehash::{Pipeline, Progress, Result, Role, report};

/// Find near-duplicate documents, rewritten passages and boilerplate in
/// text corpora, and show where texts overlap.
#[derive(Debug, Parser)]
#[command(name = "rehash", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find near-duplicate documents (in clusters), copied and rewritten
    /// passages, and boilerplate.
    ///
    /// Reads files and folders (walked recursively in sorted order), JSON
    /// Lines (.jsonl, .ndjson; one document per line), gzip and zstd
    /// (detected by magic bytes), and standard input (-). Exits 0 when all
    /// input was read, 2 when anything was skipped or on error.
    Scan(ScanArgs),

    /// Check drafts against published and wire articles.
    ///
    /// Reports what links each draft to the documents given with
    /// --against: near-duplicates, and copied or rewritten passages with
    /// both sides quoted, the draft's first. Boilerplate (lines that recur
    /// in the index) is left out. A draft's own file found
    /// again under --against is left out of the index. Exits 0 when
    /// nothing was found, 1 when something was, 2 when input was skipped
    /// (a skipped draft could hide a finding) or on error.
    Check(CheckArgs),

    /// Write a cleaned corpus: near-duplicates removed, boilerplate
    /// stripped.
    ///
    /// Scans the corpus (without passages) and writes, as JSON Lines and
    /// in input order, every document it keeps: the representative of
    /// each cluster (--keep) and every document in none, with its
    /// boilerplate lines and sentences cut out. A JSON Lines record is
    /// written as it was read, with only its text field replaced; a text
    /// file becomes {"id", "text"}. --report writes the audit: the scan's
    /// JSON report, with a `removed` record for each document left out.
    /// Exits 0, or 2 when input was skipped or on error.
    Clean(CleanArgs),

    /// Score a scan against labelled data.
    ///
    /// Runs the same pipeline as scan on the corpus, or reads a JSON report
    /// (--report), and scores it against --truth: JSON Lines of pairs
    /// {a, b, label}, clusters {id, cluster}, boilerplate spans {id, start,
    /// end, label} or passages {a, a_start, a_end, b, b_start, b_end}; the
    /// shape picks the measures. --gold-text scores the text left after
    /// stripping boilerplate. Exits 0, or 2 when input was skipped or on
    /// error.
    Eval(EvalArgs),
}

/// Which reported links count as predicted pairs.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum MatchArg {
    /// Near-duplicate documents.
    Duplicates,
    /// Documents sharing a passage (for sentence or paragraph pairs).
    Passages,
    /// Either.
    Any,
}

/// Output format.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum Format {
    /// A readable report.
    Text,
    /// JSON Lines: one {"type": ..., "data": {...}} object a line.
    Json,
}

/// When to use colour.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum ColorChoice {
    /// When writing text to a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Tokens: words, or characters for scripts written without spaces.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum UnitArg {
    /// Characters when most of a document is Chinese, Japanese, Thai…
    Auto,
    /// Always words.
    Word,
    /// Always characters.
    Char,
}

/// How to read inputs.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum InputFormatArg {
    /// By extension: .jsonl and .ndjson are JSON Lines, others text.
    Auto,
    /// Every input is one document.
    Text,
    /// Every input is JSON Lines.
    Jsonl,
}

/// Which cluster member to keep.
#[derive(Clone, Copy, Debug, Eq, PartialEq, ValueEnum)]
pub enum KeepArg {
    /// The first in input order.
    First,
    /// The one with the most words (ties: the first).
    Longest,
}

#[derive(Debug, Args)]
struct ScanArgs {
    /// Files or folders to scan; - reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    options: ScanOptions,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Drafts to check: files or folders; - reads standard input.
    #[arg(required = true, value_name = "DRAFT")]
    drafts: Vec<PathBuf>,

    /// Files or folders to check against (published and wire articles);
    /// repeat for more.
    #[arg(short = 'a', long, required = true, value_name = "PATH")]
    against: Vec<PathBuf>,

    /// Fail (exit 1) only for drafts with a near-duplicate in the index or
    /// with passages covering at least this share of their text, not for
    /// any passage (a stock sentence); every finding is still reported.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    fail_covered: Option<f64>,

    #[command(flatten)]
    options: ScanOptions,
}

#[derive(Debug, Args)]
struct CleanArgs {
    /// Files or folders to clean; - reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Write the cleaned corpus to FILE (atomically: a temporary file,
    /// then a rename; gzip or zstd when FILE ends in .gz or .zst) instead
    /// of standard output; `-` is standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Write the audit to FILE: the scan's JSON report (clusters, pairs
    /// and scores, boilerplate spans and templates, diagnostics), with a
    /// `removed` record for each document left out. `-` is standard
    /// output, when -o sends the corpus to a file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Write texts whole, boilerplate included (it is still left out of
    /// similarities unless --keep-boilerplate).
    #[arg(long)]
    no_strip: bool,

    /// Also remove a document when copied passages (verbatim or near)
    /// shared with one kept document cover at least this share of its
    /// text outside boilerplate: truncated and edited copies below
    /// --threshold. Looks for passages, which takes several times as long.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    drop_covered: Option<f64>,

    #[command(flatten)]
    run: RunArgs,

    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    sketch: SketchArgs,

    #[command(flatten)]
    boilerplate: BoilerplateArgs,
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// The corpus; needed unless --report is given, and with it for span
    /// truth and gold text.
    #[arg(value_name = "PATH", required_unless_present = "report")]
    paths: Vec<PathBuf>,

    /// Labels to score against, JSON Lines; the shape of the records picks
    /// the measures. `-` reads standard input (for one input only).
    #[arg(long, value_name = "FILE", required_unless_present = "gold_text")]
    truth: Option<PathBuf>,

    /// Score this JSON report (scan --format json) instead of scanning.
    /// Scan options are then ignored. `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Gold main texts, JSON Lines of {id, text}: score the text left
    /// after stripping boilerplate, by word 4-grams.
    #[arg(long, value_name = "FILE")]
    gold_text: Option<PathBuf>,

    /// Break span and gold-text scores down by group: JSON Lines of {id,
    /// cluster}, such as a site's pages.
    #[arg(long, value_name = "FILE")]
    groups: Option<PathBuf>,

    /// Which reported links are predicted pairs, for pair truth.
    #[arg(long = "match", value_enum, default_value_t = MatchArg::Duplicates, value_name = "LINKS")]
    matching: MatchArg,

    #[command(flatten)]
    options: ScanOptions,
}

/// The options of a scan, shared by `scan` and `eval`.
#[derive(Debug, Args)]
struct ScanOptions {
    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    sketch: SketchArgs,

    #[command(flatten)]
    passages: PassageArgs,

    #[command(flatten)]
    boilerplate: BoilerplateArgs,
}

impl ScanOptions {
    fn config(&self) -> Result<rehash::Config> {
        convert::config(
            &self.sketch,
            convert::Passages::Args(&self.passages),
            &self.boilerplate,
        )
    }

    /// The pipeline of a report in the chosen format: passages are quoted
    /// only for the text report, the one that shows quotes.
    fn pipeline(&self) -> Result<Pipeline> {
        let quotes = self.output.format == Format::Text;
        Ok(Pipeline::new(self.config()?).quotes(quotes))
    }

    fn bar(&self) -> progress::Bar {
        self.output.run.bar()
    }

    /// Reads the corpus, printing its diagnostics; an error when nothing
    /// could be read.
    fn corpus(
        &self,
        paths: &[PathBuf],
        bar: &progress::Bar,
    ) -> Result<rehash::Corpus> {
        let corpus = read_corpus(&self.input, paths, bar)?;
        not_an_input(&corpus, self.output.output.as_deref(), "-o", "report")?;
        Ok(corpus)
    }

    /// Writes `write`'s output where -o says, or to standard output.
    fn write(
        &self,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        output::write_to(self.output.output.as_deref(), write)
    }
}

/// An error when `path`, given with `flag` to write `what` to, is one of
/// the files `corpus` was read from: it would replace that input.
fn not_an_input(
    corpus: &rehash::Corpus,
    path: Option<&std::path::Path>,
    flag: &str,
    what: &str,
) -> Result<()> {
    match path {
        Some(path) if corpus.reads(path) => {
            Err(rehash::Error::config(format!(
                "{flag} {} is one of the inputs: the {what} would replace it",
                path.display()
            )))
        }
        _ => Ok(()),
    }
}

/// Reads the corpus, printing its diagnostics; an error when nothing
/// could be read.
fn read_corpus(
    input: &InputArgs,
    paths: &[PathBuf],
    bar: &progress::Bar,
) -> Result<rehash::Corpus> {
    bar.stage("reading", 0);
    let corpus =
        convert::corpus_builder(input).build(&convert::inputs(paths))?;
    output::print_diagnostics(corpus.diagnostics());
    if corpus.is_empty() {
        return Err(rehash::Error::new(rehash::ErrorKind::NoDocuments));
    }
    Ok(corpus)
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Write the report to FILE (atomically: a temporary file, then a
    /// rename) instead of standard output; `-` is standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// When to colour the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    #[command(flatten)]
    run: RunArgs,
}

/// The most worker threads `-j` asks for.
const MAX_THREADS: usize = 1024;

/// How a command runs: threads and progress.
#[derive(Debug, Args)]
struct RunArgs {
    /// Show progress on stderr at once: a bar on a terminal, and
    /// elsewhere (a log) a line for each stage and at most one a second,
    /// as `rehash: shingling 52,991/100,000 (1.2 s)`.
    #[arg(long, overrides_with = "no_progress")]
    progress: bool,

    /// Never show a progress bar. By default one appears on a terminal
    /// when a run takes more than a second.
    #[arg(long)]
    no_progress: bool,

    /// Worker threads, at most 1,024. By default, or with 0 (as in
    /// ripgrep), one per CPU. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

impl RunArgs {
    fn bar(&self) -> progress::Bar {
        progress::Bar::new(self.progress, self.no_progress)
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
struct InputArgs {
    /// JSON field holding a record's text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,

    /// JSON field holding a record's id; records without one get
    /// PATH:LINE.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_field: String,

    /// How to read inputs.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, value_name = "FORMAT")]
    input_format: InputFormatArg,

    /// Read files instead of memory-mapping large ones. Output is the same
    /// either way.
    #[arg(long)]
    no_mmap: bool,

    /// Skip (with a diagnostic) documents and JSON lines larger than this.
    #[arg(long, default_value_t = rehash::corpus::DEFAULT_MAX_DOC_BYTES, value_name = "BYTES")]
    max_doc_bytes: u64,

    /// Stop at the first problem with the input instead of skipping the
    /// record.
    #[arg(long)]
    strict: bool,

    /// Read hidden files and folders (names that start with `.`, as
    /// `.git`) in folders given as inputs. By default, as in ripgrep, they
    /// are not read; a hidden path given as an input always is.
    #[arg(short = '.', long)]
    hidden: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Near-duplicate documents")]
struct SketchArgs {
    /// Jaccard similarity of shingle sets at or above which two documents
    /// are near-duplicates.
    #[arg(short = 't', long, default_value_t = 0.75, value_name = "J")]
    threshold: f64,

    /// Tokens per shingle.
    #[arg(short = 'k', long, default_value_t = 5, value_name = "K")]
    shingle_size: u32,

    /// Slots per MinHash signature.
    #[arg(long, default_value_t = 128, value_name = "N")]
    num_perm: u32,

    /// LSH bands. By default chosen from the threshold.
    #[arg(long, value_name = "B")]
    bands: Option<u32>,

    /// Slots per LSH band. By default chosen from the threshold.
    #[arg(long, value_name = "R")]
    rows: Option<u32>,

    /// Tokens: words or characters.
    #[arg(long, value_enum, default_value_t = UnitArg::Auto, value_name = "UNIT")]
    unit: UnitArg,

    /// Which member of each cluster to keep.
    #[arg(long, value_enum, default_value_t = KeepArg::First, value_name = "POLICY")]
    keep: KeepArg,

    /// LSH buckets with more documents than this are linked as a chain
    /// instead of all pairs (a check still pairs its drafts with every
    /// member).
    #[arg(long, default_value_t = rehash::config::DEFAULT_MAX_BUCKET, value_name = "N")]
    max_bucket: usize,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Passages")]
struct PassageArgs {
    /// Do not look for copied and rewritten passages.
    #[arg(long)]
    no_passages: bool,

    /// Weighted share of matched words at or above which two spans are a
    /// passage.
    #[arg(long, default_value_t = 0.45, value_name = "S")]
    passage_min_similarity: f64,

    /// Words each side of a passage must have.
    #[arg(long, default_value_t = 6, value_name = "N")]
    passage_min_words: u32,

    /// Word pairs shared by more sentences than this, or than one in 6,000
    /// sentences if that is more (stock phrases), propose no passage
    /// candidates between documents (within one document: up to one in
    /// 1,200 sentences).
    #[arg(long, default_value_t = 100, value_name = "N")]
    passage_max_bucket: usize,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Boilerplate")]
struct BoilerplateArgs {
    /// A line, or a template of lines differing in numbers and names, is
    /// boilerplate when it recurs in at least N documents that are not
    /// copies of one another (a line of 25 words or more, or a sentence
    /// inside a line: in at least 3, or N if more). By default 2, or one
    /// in 100,000 documents for larger corpora.
    #[arg(long, value_name = "N")]
    boilerplate_min_docs: Option<u32>,

    /// Count boilerplate in signatures and similarities. By default it is
    /// left out, so that documents sharing only a footer are not
    /// near-duplicates.
    #[arg(long)]
    keep_boilerplate: bool,

    /// Do not mark short runs of lines enclosed by boilerplate (link
    /// lists, captions) as boilerplate too.
    #[arg(long)]
    no_boilerplate_context: bool,

    /// Do not look for recurring sentences inside lines of over 150 words
    /// and documents of one line (text whose line breaks were lost); only
    /// whole lines.
    #[arg(long)]
    no_boilerplate_inline: bool,

    /// Skip boilerplate detection: faster, but shared footers then count
    /// in similarities.
    #[arg(long, conflicts_with_all = ["keep_boilerplate", "boilerplate_min_docs"])]
    no_boilerplate: bool,
}

/// How a run that did not fail ends.
pub enum Outcome {
    /// Everything was read and reported.
    Done,
    /// Some input was skipped or repaired; see the diagnostics on stderr.
    Diagnostics,
    /// A check found something: a draft has a near-duplicate or a passage
    /// in the index.
    Found,
}

impl Outcome {
    /// How a run that read `corpus` ends: with diagnostics if any of its
    /// input was skipped or repaired.
    fn of(corpus: Option<&rehash::Corpus>) -> Outcome {
        if corpus.is_some_and(|c| !c.diagnostics().is_empty()) {
            Outcome::Diagnostics
        } else {
            Outcome::Done
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::Diagnostics => ExitCode::from(2),
            Outcome::Found => ExitCode::from(1),
        }
    }
}

/// Runs a parsed command line.
pub fn run(mut cli: Cli) -> Result<Outcome> {
    // `-o -` is standard output, as the input `-` is standard input.
    let output = match &mut cli.command {
        Command::Scan(args) => &mut args.options.output.output,
        Command::Check(args) => &mut args.options.output.output,
        Command::Clean(args) => &mut args.output,
        Command::Eval(args) => &mut args.options.output.output,
    };
    if output.as_deref().is_some_and(Input::is_stdin) {
        *output = None;
    }
    match cli.command {
        Command::Scan(args) => {
            in_pool(args.options.output.run.threads, || scan(&args))
        }
        Command::Check(args) => {
            in_pool(args.options.output.run.threads, || check(&args))
        }
        Command::Clean(args) => in_pool(args.run.threads, || clean(&args)),
        Command::Eval(args) => {
            in_pool(args.options.output.run.threads, || eval(&args))
        }
    }
}

/// Runs `f` on a thread pool of the requested size.
fn in_pool<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    // Far more threads than any machine has cores only cost: some steps
    // keep a table or a run of documents per thread. On 2 cores, a scan
    // of three sentences took 0.6 s with -j 1000, 225 s with 10,000, and
    // with 100,000 the process ran out of memory for thread stacks.
    if let Some(n) = threads.filter(|&n| n > MAX_THREADS) {
        return Err(rehash::Error::config(format!(
            "-j {n}: at most {MAX_THREADS} threads"
        )));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    // 0 leaves the choice to rayon: one per CPU.
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().map_err(|e| {
        rehash::Error::config(format!("cannot start threads: {e}"))
    })?;
    pool.install(f)
}

fn scan(args: &ScanArgs) -> Result<Outcome> {
    let opts = &args.options;
    let pipeline = opts.pipeline()?;
    let bar = opts.bar();
    let corpus = opts.corpus(&args.paths, &bar)?;
    let report = pipeline.run_with_progress(&corpus, &bar);
    write_report(opts, &report, &bar)?;
    Ok(Outcome::of(Some(&corpus)))
}

fn check(args: &CheckArgs) -> Result<Outcome> {
    let opts = &args.options;
    let pipeline = opts.pipeline()?;
    let bar = opts.bar();
    let paths: Vec<PathBuf> =
        args.drafts.iter().chain(&args.against).cloned().collect();
    let corpus = opts.corpus(&paths, &bar)?;
    let roles = roles(&corpus, args.drafts.len());
    if !roles.contains(&Role::Draft) {
        return Err(rehash::Error::input(
            "no drafts to check: every draft input was empty or skipped",
        ));
    }
    if !roles.contains(&Role::Index) {
        return Err(rehash::Error::input(
            "nothing to check against: every --against input was empty, skipped, or a draft",
        ));
    }
    let mut report = pipeline.check_with_progress(&corpus, &roles, &bar);
    if let Some(check) = &mut report.check {
        check.gate(args.fail_covered);
    }
    write_report(opts, &report, &bar)?;
    let found = report.check.as_ref().is_some_and(|c| c.summary.failed > 0);
    Ok(match Outcome::of(Some(&corpus)) {
        Outcome::Done if found => Outcome::Found,
        outcome => outcome,
    })
}

fn clean(args: &CleanArgs) -> Result<Outcome> {
    use rehash::clean;
    // The audit written last would replace the cleaned corpus.
    if let (Some(out), Some(audit)) = (&args.output, &args.report) {
        if std::path::absolute(out).ok() == std::path::absolute(audit).ok() {
            return Err(rehash::Error::config(format!(
                "-o and --report name the same file ({}): the audit would replace the cleaned corpus",
                out.display()
            )));
        }
    }
    // `--report -` is standard output, as `-o -` is (`-o -` is no `-o`
    // by now): `Some(None)`. The two cannot share it.
    let audit =
        args.report.as_deref().map(|p| (!Input::is_stdin(p)).then_some(p));
    if audit == Some(None) && args.output.is_none() {
        return Err(rehash::Error::config(
            "--report - and the cleaned corpus would both go to standard output: give -o FILE for the corpus",
        ));
    }
    // Passages decide what is kept only with --drop-covered.
    let passages = match args.drop_covered {
        Some(_) => convert::Passages::Defaults,
        None => convert::Passages::Off,
    };
    let config = convert::config(&args.sketch, passages, &args.boilerplate)?;
    let bar = args.run.bar();
    let corpus = read_corpus(&args.input, &args.paths, &bar)?;
    // The cleaned corpus may replace its input (it is written to a
    // temporary file first); the audit may not.
    not_an_input(&corpus, audit.flatten(), "--report", "audit")?;
    // Its report is JSON Lines: no quotes.
    let mut report =
        Pipeline::new(config).quotes(false).run_with_progress(&corpus, &bar);
    report.removals = clean::removals(&report, args.drop_covered);
    bar.stage("writing", 0);
    let strip = !args.no_strip;
    let mut kept = clean::Kept::default();
    output::write_to(args.output.as_deref(), |w| {
        let compression = args
            .output
            .as_deref()
            .and_then(rehash::corpus::Compression::from_extension);
        kept = output::compressed(w, compression, |w| {
            clean::write_kept(w, &corpus, &report, &report.removals, strip)
        })?;
        Ok(())
    })?;
    if let Some(target) = audit {
        output::write_to(target, |w| report::json::write(w, &report))?;
    }
    bar.finish();
    let n = report::text::thousands;
    let covered = report
        .removals
        .iter()
        .filter(|r| matches!(r.reason, clean::Reason::Covered { .. }))
        .count() as u64;
    let mut line = format!(
        "rehash: kept {} of {} documents ({} removed as near-duplicates",
        n(kept.documents),
        n(corpus.len() as u64),
        n(report.removals.len() as u64 - covered)
    );
    if args.drop_covered.is_some() {
        line += &format!(", {} as covered by passages", n(covered));
    }
    line += ")";
    if strip {
        line += &format!(
            "; stripped {} bytes of boilerplate from {} documents",
            n(kept.stripped_bytes),
            n(kept.stripped_documents)
        );
    }
    // Records that were never documents are not written either: said
    // here too, not only in their diagnostics.
    let skipped: Vec<String> = [
        (corpus.skipped(), "skipped record"),
        (corpus.skipped_files(), "unread or cut-off file"),
    ]
    .into_iter()
    .filter(|&(k, _)| k > 0)
    .map(|(k, what)| report::text::count(k, what))
    .collect();
    if !skipped.is_empty() {
        line += &format!(
            "; {} not written (see diagnostics)",
            skipped.join(" and ")
        );
    }
    eprintln!("{line}");
    Ok(Outcome::of(Some(&corpus)))
}

/// Each document's role in a check: drafts come from the first `drafts`
/// inputs; the rest is the index, except files that are drafts too.
fn roles(corpus: &rehash::Corpus, drafts: usize) -> Vec<Role> {
    use std::collections::HashSet;
    let canonical =
        |d| corpus.source_path(d).and_then(|p| std::fs::canonicalize(p).ok());
    let is_draft = |d| corpus.input(d).is_some_and(|i| i < drafts);
    let draft_files: HashSet<PathBuf> =
        corpus.ids().filter(|&d| is_draft(d)).filter_map(canonical).collect();
    // Documents of one file are consecutive: its path is looked up once.
    let mut last: Option<(&str, bool)> = None;
    corpus
        .ids()
        .map(|d| {
            if is_draft(d) {
                return Role::Draft;
            }
            let name = corpus.source_name(d);
            let again = match last {
                Some((n, again)) if n == name => again,
                _ => {
                    let again =
                        canonical(d).is_some_and(|p| draft_files.contains(&p));
                    last = Some((name, again));
                    again
                }
            };
            if again { Role::Ignored } else { Role::Index }
        })
        .collect()
}

/// Writes a scan's or check's report as the output options say.
fn write_report(
    opts: &ScanOptions,
    report: &rehash::Report,
    bar: &progress::Bar,
) -> Result<()> {
    bar.stage("writing", 0);
    let color =
        output::use_color(opts.output.color, opts.output.output.is_some());
    opts.write(|w| match opts.output.format {
        Format::Text => report::text::write(
            w,
            report,
            &report::text::TextOptions { color },
        ),
        Format::Json => report::json::write(w, report),
    })?;
    bar.finish();
    Ok(())
}

fn eval(args: &EvalArgs) -> Result<Outcome> {
    use rehash::eval::{self, Inputs, Match, Predictions, truth};
    let opts = &args.options;
    let files = [&args.truth, &args.report, &args.gold_text, &args.groups];
    let from_stdin = files
        .into_iter()
        .filter_map(Option::as_deref)
        .chain(args.paths.iter().map(PathBuf::as_path))
        .filter(|p| Input::is_stdin(p))
        .count();
    if from_stdin > 1 {
        return Err(rehash::Error::config(
            "only one input can be standard input (-)",
        ));
    }
    // Labels first: a mistake there should not cost a scan.
    let truth = args.truth.as_deref().map(truth::read).transpose()?;
    let gold = args.gold_text.as_deref().map(truth::read_gold).transpose()?;
    let groups = match &args.groups {
        None => None,
        Some(path) => match truth::read(path)? {
            eval::Truth::Clusters(c) => Some(c),
            other => {
                return Err(rehash::Error::input(format!(
                    "groups must be {{id, cluster}} records, not {}",
                    other.shape()
                ))
                .with_path(path));
            }
        },
    };
    let bar = opts.bar();
    let corpus = if args.paths.is_empty() {
        None
    } else {
        Some(opts.corpus(&args.paths, &bar)?)
    };
    let predicted = match (&args.report, &corpus) {
        (Some(path), _) => Predictions::read(path)?,
        (None, Some(corpus)) => {
            let pipeline = Pipeline::new(opts.config()?).quotes(false);
            Predictions::from_report(&pipeline.run_with_progress(corpus, &bar))
        }
        (None, None) => unreachable!("clap requires paths without --report"),
    };
    bar.stage("scoring", 0);
    let inputs = Inputs {
        truth: truth.as_ref(),
        gold: gold.as_deref(),
        groups: groups.as_deref(),
        corpus: corpus.as_ref(),
        matching: match args.matching {
            MatchArg::Duplicates => Match::Duplicates,
            MatchArg::Passages => Match::Passages,
            MatchArg::Any => Match::Any,
        },
    };
    let evaluation = eval::evaluate(&inputs, &predicted)?;
    bar.finish();
    opts.write(|w| match opts.output.format {
        Format::Text => evaluation.write_text(w),
        Format::Json => evaluation.write_json(w),
    })?;
    Ok(Outcome::of(corpus.as_ref()))
}

/// A share of a text: a number above 0 and at most 1.
fn share(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!("must be in (0, 1], not {s:?}")),
    }
}
