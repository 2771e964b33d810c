//! Arguments into library configurations. Validation lives in the library
//! builders; this only maps names.

use std::path::PathBuf;

use rehash::{
    Config, CorpusBuilder, Input, InputFormat, Keep, MmapChoice, Result,
    UnitChoice,
};

use super::{
    BoilerplateArgs, InputArgs, InputFormatArg, KeepArg, PassageArgs,
    SketchArgs, UnitArg,
};

/// The configuration the arguments give; without `passages`, passages
/// are not looked for.
/// Whether and how a run looks for passages.
pub enum Passages<'a> {
    /// Not at all.
    Off,
    /// With the library's default settings.
    Defaults,
    /// As the options say.
    Args(&'a PassageArgs),
}

pub fn config(
    args: &SketchArgs,
    passages: Passages<'_>,
    bp: &BoilerplateArgs,
) -> Result<Config> {
    let mut builder = Config::builder();
    match passages {
        Passages::Off => {
            builder.passages(false);
        }
        Passages::Defaults => {}
        Passages::Args(passages) => {
            builder
                .passages(!passages.no_passages)
                .passage_min_similarity(passages.passage_min_similarity)
                .passage_min_words(passages.passage_min_words)
                .passage_max_bucket(passages.passage_max_bucket);
        }
    }
    builder
        .threshold(args.threshold)
        .shingle_size(args.shingle_size)
        .num_perm(args.num_perm)
        .bands(args.bands)
        .rows(args.rows)
        .unit(match args.unit {
            UnitArg::Auto => UnitChoice::Auto,
            UnitArg::Word => UnitChoice::Word,
            UnitArg::Char => UnitChoice::Char,
        })
        .keep(match args.keep {
            KeepArg::First => Keep::First,
            KeepArg::Longest => Keep::Longest,
        })
        .max_bucket(args.max_bucket)
        .boilerplate(!bp.no_boilerplate)
        .boilerplate_min_docs(bp.boilerplate_min_docs)
        .keep_boilerplate(bp.keep_boilerplate)
        .boilerplate_context(!bp.no_boilerplate_context)
        .boilerplate_inline(!bp.no_boilerplate_inline)
        .build()
}

pub fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    paths.iter().map(|p| Input::from_arg(p.clone())).collect()
}

pub fn corpus_builder(args: &InputArgs) -> CorpusBuilder {
    let mut builder = CorpusBuilder::new();
    builder
        .text_field(&args.text_field)
        .id_field(&args.id_field)
        .max_doc_bytes(args.max_doc_bytes)
        .strict(args.strict)
        .hidden(args.hidden)
        .format(match args.input_format {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
        });
    if !args.no_mmap {
        // SAFETY: the documented contract of `rehash scan` (see --no-mmap):
        // inputs must not change while they are scanned, as with ripgrep.
        #[allow(unsafe_code)]
        let choice = unsafe { MmapChoice::auto() };
        builder.mmap(choice);
    }
    builder
}
