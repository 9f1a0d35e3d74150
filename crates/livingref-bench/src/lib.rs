//! Large, realistic books for benchmarks, and the identity preprocessor they are measured
//! against.
//!
//! A generated book mixes English and Russian prose with code blocks, tables, math, links and
//! admonitions, and uses its glossary's terms in inflected forms, so every path of a plugin
//! (prose scanning, matching, skipping, splicing) is exercised at scale. Generation is
//! deterministic: the same spec always gives the same bytes.

use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::{Plugin, Run};
use serde::Deserialize;
use std::fmt::Write as _;

/// A preprocessor that changes nothing: the cost of the protocol alone.
pub struct Identity;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoSettings {}

impl Plugin for Identity {
    const NAME: &'static str = "identity";
    const BINARY: &'static str = "mdbook-identity";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "passes the book through unchanged (benchmark floor)";
    type Settings = NoSettings;

    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, _run: &mut Run<'_, NoSettings>, book: Book) -> Book {
        book
    }
}

/// A preprocessor that parses every chapter with the shared Markdown scanner and changes
/// nothing: the floor for any plugin that must know where prose is.
pub struct ScanOnly;

impl Plugin for ScanOnly {
    const NAME: &'static str = "scan-floor";
    const BINARY: &'static str = "mdbook-scan-floor";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "scans every chapter and passes the book through (benchmark floor)";
    type Settings = NoSettings;

    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    /// Scans on every core, as the plugins do, so the floor is the same kind of run.
    fn run(&self, run: &mut Run<'_, NoSettings>, mut book: Book) -> Book {
        let markdown = run.markdown;
        let regions = livingref_core::parallel::chapters(&mut book, |chapter| {
            livingref_core::markdown::scan(chapter.content, &markdown, &Default::default())
                .prose
                .len()
        });
        std::hint::black_box(regions);
        book
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Total Markdown in chapters, approximately, in bytes.
    pub bytes: usize,
    pub chapters: usize,
    pub terms: usize,
    /// `link = "all"` instead of the default first use per chapter.
    pub link_all: bool,
    /// BibTeX entries to generate (0: no bibliography); chapters then cite them.
    pub papers: usize,
    /// Hypothesis cards per chapter (0: none); a last chapter then holds a summary table.
    pub cards: usize,
}

/// A tiny deterministic PRNG (xorshift64*): benchmarks need reproducible books, not
/// statistical quality, and this keeps the harness free of a `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tu", "vas", "ze", "qui", "dor", "fen", "gal", "hop", "jin", "nur",
    "pex", "sol",
];
const RU_SYLLABLES: &[&str] = &[
    "ка", "ло", "ми", "рен", "ту", "вас", "зе", "кви", "дор", "фен", "гал", "хоп", "жин", "нур",
    "пекс", "сол",
];
const NOUNS: &[&str] = &[
    "network", "probe", "circuit", "feature", "head", "layer", "vector", "basis",
];
const FILLER: &[&str] = &[
    "the",
    "model",
    "shows",
    "that",
    "a",
    "small",
    "set",
    "of",
    "directions",
    "in",
    "activation",
    "space",
    "can",
    "explain",
    "most",
    "behaviour",
    "we",
    "measure",
    "when",
    "trained",
    "on",
    "text",
    "and",
    "tokens",
    "with",
    "attention",
    "weights",
    "across",
    "layers",
    "which",
    "suggests",
    "simple",
    "structure",
    "inside",
];
const RU_FILLER: &[&str] = &[
    "модель",
    "показывает",
    "что",
    "небольшой",
    "набор",
    "направлений",
    "в",
    "пространстве",
    "активаций",
    "объясняет",
    "поведение",
    "мы",
    "измеряем",
    "когда",
    "обучена",
    "на",
    "тексте",
    "и",
    "токенах",
    "слоях",
];
const RU_ENDINGS: &[&str] = &["ция", "ции", "цию", "цией", "ций", "циями", "циях"];

/// The glossary's terms: an English name (two words), its abbreviation, a Russian alias stem.
fn term(i: usize) -> (String, String, String) {
    let mut name = String::new();
    let mut ru = String::new();
    let mut n = i;
    loop {
        name.push_str(SYLLABLES[n % SYLLABLES.len()]);
        ru.push_str(RU_SYLLABLES[n % RU_SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    let english = format!("{name}x {}", NOUNS[i % NOUNS.len()]);
    let abbr = format!("Q{i}");
    (english, abbr, format!("{ru}ре"))
}

/// A generated book: its chapters in order (name, path relative to `src`, Markdown) and its
/// bibliography, if any.
pub struct Generated {
    pub chapters: Vec<(String, String, String)>,
    pub bibtex: Option<String>,
}

impl Spec {
    /// The book's chapters and bibliography. Deterministic: the same spec, the same bytes.
    pub fn chapters(&self) -> Generated {
        let spec = self;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ spec.bytes as u64 ^ (spec.terms as u64) << 32);
        let mut glossary = String::from("# Glossary\n\n");
        for i in 0..spec.terms {
            let (english, abbr, ru) = term(i);
            glossary.push_str(&format!(
                "{english} ({abbr}) {{#t{i} aliases=\"{ru}ция\"}}\n: A generated definition of term {i}, with $x_{i}$ in it.\n\n"
            ));
        }
        let per_chapter = spec.bytes / spec.chapters.max(1);
        let mut chapters = Vec::new();
        for c in 0..spec.chapters {
            let mut text = format!("# Chapter {c}\n\n");
            let mut block = 0;
            // A chapter discusses a few dozen concepts, not the whole glossary: its term uses
            // are drawn from a window of the glossary that moves from chapter to chapter.
            let topic = Topic {
                first: c * 37 % spec.terms.max(1),
                size: spec.terms.min(40),
                terms: spec.terms,
            };
            while text.len() < per_chapter {
                text.push_str(&block_text(&mut rng, block, &topic));
                if spec.papers > 0 && block % 3 == 1 {
                    let _ = write!(
                        text,
                        "As shown before [@paper{}; see @paper{}, p. 4].\n\n",
                        rng.below(spec.papers),
                        rng.below(spec.papers)
                    );
                }
                if spec.papers > 0 && block == 40 {
                    let _ = write!(text, "{{{{#recent-papers tags=\"topic{}\"}}}}\n\n", c % 20);
                }
                if block % 20 == 11 && block / 20 < spec.cards {
                    text.push_str(&card(&mut rng, c, block / 20, spec.papers));
                }
                block += 1;
            }
            chapters.push((format!("Chapter {c}"), format!("ch{c}.md"), text));
        }
        if spec.cards > 0 {
            chapters.push((
                "Hypotheses".into(),
                "hypotheses.md".into(),
                "# Hypotheses\n\n{{#hypotheses sort=status columns=\"title, status, for, against, chapter\"}}\n"
                    .into(),
            ));
        }
        if spec.papers > 0 {
            // Like the flagship's Papers page: every entry in full, where the chapters'
            // compact references lead.
            chapters.push((
                "Bibliography".into(),
                "bibliography.md".into(),
                "# Bibliography\n\n{{#bibliography}}\n".into(),
            ));
        }
        chapters.push(("Glossary".into(), "glossary.md".into(), glossary));
        Generated {
            chapters,
            bibtex: (spec.papers > 0).then(|| bibtex(spec.papers)),
        }
    }

    /// The plugins' settings, as `[preprocessor.*]` tables of `book.toml`.
    fn preprocessor_config(&self) -> serde_json::Value {
        serde_json::json!({
            "terms": {"link": if self.link_all { "all" } else { "first-per-chapter" }},
            "papers": {"bibliography": if self.papers > 0 { vec!["papers.bib"] } else { vec![] },
                       "today": "2026-11-01", "topics": {"ch1*.md": ["topic1", "topic2"]}},
            "hypotheses": {},
        })
    }
}

/// `[context, book]` JSON as mdBook 0.5.4 would send it for the generated book, whose root
/// is `root` (the bibliography, if any, is written there as `papers.bib`).
pub fn generate(spec: Spec, root: &std::path::Path) -> std::io::Result<String> {
    let generated = spec.chapters();
    if let Some(bib) = &generated.bibtex {
        std::fs::write(root.join("papers.bib"), bib)?;
    }
    let items: Vec<serde_json::Value> = generated
        .chapters
        .iter()
        .enumerate()
        .map(|(i, (name, path, content))| {
            serde_json::json!({"Chapter": {
                "name": name, "content": content, "number": [i + 1], "sub_items": [],
                "path": path, "source_path": path, "parent_names": []
            }})
        })
        .collect();
    let mut preprocessors = spec.preprocessor_config();
    preprocessors["identity"] = serde_json::json!({});
    preprocessors["scan-floor"] = serde_json::json!({});
    let context = serde_json::json!({
        "root": root,
        "config": {"book": {"title": "Bench", "language": "en", "src": "src"},
                   "preprocessor": preprocessors},
        "renderer": "html",
        "mdbook_version": "0.5.4"
    });
    Ok(
        serde_json::to_string(&(context, serde_json::json!({"items": items})))
            .expect("JSON values serialize"),
    )
}

/// Writes the generated book as a folder `mdbook build` can build: `book.toml`, `src/` with
/// `SUMMARY.md`, and `papers.bib`. With `plugins` (the three binaries, in the order
/// hypotheses, papers, terms), `book.toml` runs them as the flagship does; without, the same
/// sources build with plain mdBook.
pub fn write_book(
    spec: Spec,
    dir: &std::path::Path,
    plugins: Option<[&std::path::Path; 3]>,
) -> std::io::Result<()> {
    let generated = spec.chapters();
    let src = dir.join("src");
    std::fs::create_dir_all(&src)?;
    let mut summary = String::from("# Summary\n\n");
    for (name, path, content) in &generated.chapters {
        let _ = writeln!(summary, "- [{name}]({path})");
        std::fs::write(src.join(path), content)?;
    }
    std::fs::write(src.join("SUMMARY.md"), summary)?;
    if let Some(bib) = &generated.bibtex {
        std::fs::write(dir.join("papers.bib"), bib)?;
    }
    let mut toml = String::from(
        "[book]\ntitle = \"Bench\"\nlanguage = \"en\"\nsrc = \"src\"\n\n[build]\nbuild-dir = \"out\"\n\n\
         [output.html]\n\n",
    );
    if let Some([hypotheses, papers, terms]) = plugins {
        let config = spec.preprocessor_config();
        let cfg = |name: &str| {
            config[name]
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| k.as_str() != "topics")
                        .map(|(k, v)| format!("{k} = {v}\n"))
                        .collect::<String>()
                })
                .unwrap_or_default()
        };
        let _ = write!(
            toml,
            "[preprocessor.hypotheses]\ncommand = {:?}\n{}\n\
             [preprocessor.papers]\ncommand = {:?}\nafter = [\"hypotheses\"]\n{}\n\
             [preprocessor.papers.topics]\n\"ch1*.md\" = [\"topic1\", \"topic2\"]\n\n\
             [preprocessor.terms]\ncommand = {:?}\nafter = [\"papers\"]\n{}",
            hypotheses.display().to_string(),
            cfg("hypotheses"),
            papers.display().to_string(),
            cfg("papers"),
            terms.display().to_string(),
            cfg("terms"),
        );
    }
    std::fs::write(dir.join("book.toml"), toml)
}

/// A hypothesis card in the flagship's shape. With papers to cite it carries evidence for and
/// against; without, its status is one that claims no evidence, so the book stays free of
/// warnings (a book full of them would time their printing).
fn card(rng: &mut Rng, chapter: usize, n: usize, papers: usize) -> String {
    let status = if papers > 0 {
        ["supported", "contested", "open", "refuted"][rng.below(4)]
    } else {
        ["contested", "open"][rng.below(2)]
    };
    let mut out = format!(
        "```hypothesis\nid = \"h{chapter}-{n}\"\ntitle = \"Hypothesis {n} of chapter {chapter}\"\n\
         statement = \"Generated claim {n}: a *small* set of directions explains the behaviour.\"\n\
         status = \"{status}\"\ntags = [\"topic{}\"]\nlast-reviewed = 2026-11-01\n",
        chapter % 20
    );
    if papers > 0 {
        let _ = write!(
            out,
            "evidence = [\n  {{ cite = \"paper{}\", stance = \"supports\", note = \"a generated note\" }},\n  \
             {{ cite = \"paper{}\", stance = \"contests\" }},\n]\n",
            rng.below(papers),
            rng.below(papers)
        );
    }
    out.push_str("```\n\n");
    out
}

/// `n` BibTeX entries in the shapes arXiv, Zotero and publishers export, tagged with topics.
fn bibtex(n: usize) -> String {
    let mut rng = Rng(0x5EED ^ n as u64);
    let mut out = String::from("@string{tc = \"Transformer Circuits Thread\"}\n\n");
    for i in 0..n {
        let year = 2013 + rng.below(14);
        let month = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ][rng.below(12)];
        let (arxiv_month, topic_a, topic_b) = (rng.below(12) + 1, rng.below(20), rng.below(20));
        let _ = write!(
            out,
            "@article{{paper{i},\n  title = {{On {{Sparse}} Features of \\emph{{model}} {i} with $x_{{{i}}}$}},\n  \
             author = {{M{{\\\"u}}ller, J{{\\\"o}}rg and Smith, Ann and Doe, Jo and others}},\n  journal = tc,\n  \
             year = {{{year}}},\n  month = {month},\n  eprint = {{{:02}{arxiv_month:02}.{i:05}}},\n  archivePrefix = {{arXiv}},\n  \
             keywords = {{topic{topic_a}, topic{topic_b}}},\n  abstract = {{We study features in model {i}.}}\n}}\n\n",
            year % 100,
        );
    }
    out
}

/// The glossary terms one chapter uses.
struct Topic {
    first: usize,
    size: usize,
    terms: usize,
}

impl Topic {
    fn pick(&self, rng: &mut Rng) -> Option<usize> {
        (self.size > 0).then(|| (self.first + rng.below(self.size)) % self.terms)
    }
}

/// One Markdown block; a repeating mix of the constructs real chapters have.
fn block_text(rng: &mut Rng, n: usize, terms: &Topic) -> String {
    match n % 10 {
        0 => format!("## Section {n}\n\n"),
        1 | 2 | 4 | 6 => format!("{}\n\n", english_paragraph(rng, terms)),
        3 | 7 => format!("{}\n\n", russian_paragraph(rng, terms)),
        5 => "```rust\nfn probe(x: &[f32]) -> f32 {\n    x.iter().sum::<f32>() / x.len() as f32\n}\n```\n\n".to_owned(),
        8 => "| Layer | Heads | Notes |\n|---|---|---|\n| 0 | 8 | `embed` |\n| 1 | 8 | $W_{QK}$ |\n\n> [!NOTE]\n> See [the intro](ch0.md) and $$\\sum_i x_i$$.\n\n".to_owned(),
        _ => "- item with `code`\n- item with a [link](https://example.org)\n\n".to_owned(),
    }
}

fn english_paragraph(rng: &mut Rng, topic: &Topic) -> String {
    let mut words = Vec::new();
    for _ in 0..(60 + rng.below(60)) {
        if let Some(t) = topic.pick(rng).filter(|_| rng.below(12) == 0) {
            let (english, abbr, _) = term(t);
            words.push(match rng.below(4) {
                0 => english,
                1 => format!("{english}s"),
                2 => format!("{english}'s"),
                _ => abbr,
            });
        } else {
            words.push(rng.pick(FILLER).to_owned());
        }
    }
    words.join(" ") + "."
}

fn russian_paragraph(rng: &mut Rng, topic: &Topic) -> String {
    let mut words = Vec::new();
    for _ in 0..(50 + rng.below(50)) {
        if let Some(t) = topic.pick(rng).filter(|_| rng.below(12) == 0) {
            let (_, _, ru) = term(t);
            words.push(format!("{ru}{}", rng.pick(RU_ENDINGS)));
        } else {
            words.push(rng.pick(RU_FILLER).to_owned());
        }
    }
    words.join(" ") + "."
}
