//! `mdbook-hypotheses`: a field's open questions kept as data.
//!
//! One run: find every ```` ```hypothesis ```` block ([`livingref_core::markdown::fenced_blocks`]) and read it
//! (`card`); check the book as a whole (`check`: unique ids, parents, cycles, citations
//! against the papers bibliography, status consistency); then replace each block with a card
//! and each `{{#hypotheses …}}` with a summary table (`render`). `mdbook-hypotheses export`
//! prints every card as JSON.

use livingref_core::markdown::{Directive, Edit, ParseOptions, ScanOptions, Scanned, scan};
use livingref_core::markdown::{Heading, OpenAtEnd};
use livingref_core::mdbook_preprocessor::book::Book;
use livingref_core::order::{self, Expect};
use livingref_core::pipeline::{self, Append, Edits};
use livingref_core::protocol::Exit;
use livingref_core::span::LineIndex;
use livingref_core::{Diagnostic, Diagnostics, Lang, Location, Plugin, Run};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod card;
mod check;
mod render;

use card::Card;

/// The `mdbook-hypotheses` preprocessor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hypotheses;

/// `[preprocessor.hypotheses]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct Settings {
    /// The status vocabulary, in the order tables sort by.
    pub statuses: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            statuses: ["supported", "contested", "open", "refuted"]
                .map(String::from)
                .to_vec(),
        }
    }
}

const TABLE_KEYS: &[&str] = &["status", "tags", "kind", "columns", "sort"];
const COLUMNS: &[&str] = &[
    "title",
    "status",
    "statement",
    "for",
    "against",
    "chapter",
    "id",
];

impl Plugin for Hypotheses {
    const NAME: &'static str = "hypotheses";
    const BINARY: &'static str = "mdbook-hypotheses";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const ABOUT: &'static str = "hypothesis cards and summary tables for research books";
    const EXPECTS: &'static [Expect] = order::BEFORE_HYPOTHESES;
    const COMMANDS_HELP: &'static str = "    mdbook-hypotheses export [BOOK]   print every hypothesis of the book (default: .) as JSON\n";
    type Settings = Settings;

    /// Every renderer: cards and tables are Markdown and HTML that any renderer passes on.
    fn supports_renderer(&self, _renderer: &str) -> bool {
        true
    }

    fn run(&self, run: &mut Run<'_, Settings>, mut book: Book) -> Book {
        let statuses = run.settings.statuses.clone();
        if statuses.is_empty() {
            let at = run.setting_at("statuses");
            run.diagnostics.push(
                Diagnostic::error("`statuses` is empty, so no card could have a status")
                    .at(at)
                    .help("list them, e.g. `statuses = [\"supported\", \"contested\", \"open\", \"refuted\"]`, or remove the key"),
            );
            return book;
        }
        let markdown = run.markdown;

        // Pass 1: read the cards, chapters on every core, results in reading order.
        let read = pipeline::edit_chapters(
            &mut book,
            run.ctx,
            &mut run.diagnostics,
            "reading cards",
            |chapter| {
                let (cards, open) = read_cards(
                    chapter.content,
                    chapter.path,
                    chapter.file,
                    chapter.name,
                    &statuses,
                    &markdown,
                    &mut chapter.diagnostics,
                );
                Edits::none((cards, open.map(|o| (chapter.path.to_path_buf(), o))))
            },
        );
        let mut cards: Vec<Card> = Vec::new();
        // What each chapter with cards leaves open at its end, from the same parse.
        let mut open_at_end: HashMap<PathBuf, OpenAtEnd> = HashMap::new();
        for (chapter_cards, open) in read {
            if !chapter_cards.is_empty() {
                open_at_end.extend(open);
            }
            cards.extend(chapter_cards);
        }
        check_book(run, &book, &cards);

        // Pass 2: cards become HTML, `{{#hypotheses}}` becomes a table.
        let labels = render::labels(run.lang);
        let by_id: HashMap<&str, &Card> = cards.iter().rev().map(|c| (c.id.as_str(), c)).collect();
        let mut by_chapter: HashMap<&Path, Vec<&Card>> = HashMap::new();
        for card in &cards {
            by_chapter
                .entry(card.chapter.as_path())
                .or_default()
                .push(card);
        }
        let place = Place {
            cards: &cards,
            by_id: &by_id,
            by_chapter: &by_chapter,
            open_at_end: &open_at_end,
            statuses: &statuses,
            lang: run.lang,
            labels: &labels,
            html: run.ctx.renderer == "html",
            markdown: &markdown,
        };
        pipeline::edit_chapters(
            &mut book,
            run.ctx,
            &mut run.diagnostics,
            "placing cards",
            |chapter| place.chapter(chapter),
        );
        book
    }

    fn command(&self, args: &[&str]) -> Option<ExitCode> {
        match args {
            ["export"] => Some(export(Path::new("."))),
            ["export", dir] => Some(export(Path::new(dir))),
            _ => None,
        }
    }
}

/// The checks across cards (parents, ids, evidence against the bibliography, status against
/// evidence). Only cards that cite something need the bibliography; a book without any pays
/// nothing for it (#17: 68 ms on a 3,234-entry bibliography, for no card).
fn check_book(run: &mut Run<'_, Settings>, book: &Book, cards: &[Card]) {
    let bibliography = if cards.iter().any(|c| !c.evidence.is_empty()) {
        papers_bibliography(run)
    } else {
        None
    };
    let mut found = Diagnostics::new();
    check::book(cards, bibliography.as_ref(), &mut found);
    // They point into the chapters as received, which the book still holds here.
    livingref_core::sourcemap::book_to_disk(&mut found, book, run.ctx);
    run.diagnostics.extend(found);
}

/// What pass 2 needs to turn one chapter's cards and `{{#hypotheses}}` into HTML.
struct Place<'a> {
    cards: &'a [Card],
    by_id: &'a HashMap<&'a str, &'a Card>,
    by_chapter: &'a HashMap<&'a Path, Vec<&'a Card>>,
    open_at_end: &'a HashMap<PathBuf, OpenAtEnd>,
    statuses: &'a [String],
    lang: Lang,
    labels: &'a render::Labels,
    html: bool,
    markdown: &'a ParseOptions,
}

impl Place<'_> {
    /// The chapter's cards replaced by their HTML, each `{{#hypotheses}}` by its table, and
    /// the cards' style appended where there are any.
    fn chapter(&self, chapter: &mut pipeline::Chapter<'_>) -> Edits<()> {
        let path = chapter.path;
        let mut edits: Vec<Edit> = self
            .by_chapter
            .get(path)
            .into_iter()
            .flatten()
            .map(|c| {
                let parent = c.parent.as_deref().and_then(|p| self.by_id.get(p).copied());
                Edit::replace(
                    c.block.clone(),
                    render::card(c, parent, self.lang, self.labels, self.html),
                )
            })
            .collect();
        // A table needs the literal `{{#hypotheses`; most chapters have none and are not
        // parsed a second time.
        let mut open = self.open_at_end.get(path).cloned();
        if chapter.content.contains("{{#hypotheses") {
            let scanned = scan(chapter.content, self.markdown, &ScanOptions::default());
            open.clone_from(&scanned.open_at_end);
            edits.extend(self.tables(chapter, &scanned));
        }
        if edits.is_empty() || !self.html {
            return Edits {
                edits,
                append: None,
                facts: (),
            };
        }
        // A card block left open at the end is replaced by its card, which closes it.
        let open = open.filter(|o| !edits.iter().any(|e| e.range.contains(&o.range.start)));
        Edits {
            edits,
            append: Some(Append {
                text: format!("\n\n{}", render::STYLE),
                what: "the cards' style",
                open_at_end: open,
            }),
            facts: (),
        }
    }

    /// Each `{{#hypotheses}}` directive of the chapter replaced by its summary table.
    fn tables(&self, chapter: &mut pipeline::Chapter<'_>, scanned: &Scanned<'_>) -> Vec<Edit> {
        let index = LineIndex::new(chapter.content);
        let file = chapter.file;
        let at = |r: Range<usize>| Location::in_text(file, &index, r);
        let mut edits = Vec::new();
        for d in scanned
            .directives
            .iter()
            .flatten()
            .filter(|d| d.name == "hypotheses")
        {
            if let Some(why) =
                livingref_core::markdown::misplaced_block(chapter.content, scanned, &d.range)
            {
                chapter.diagnostics.push(
                    livingref_core::markdown::misplaced_block_warning(d.name, why)
                        .at(at(d.range.clone())),
                );
                continue;
            }
            let table = summary(
                d,
                self.cards,
                self.statuses,
                chapter.path,
                self.lang,
                self.labels,
                self.html,
                &at,
                &mut chapter.diagnostics,
            );
            edits.push(Edit::replace(d.range.clone(), table));
        }
        edits
    }
}

/// The blocks of one chapter, read into cards (problems go to `diags`).
pub fn read_cards(
    content: &str,
    chapter: &Path,
    file: &Path,
    chapter_name: &str,
    statuses: &[String],
    markdown: &ParseOptions,
    diags: &mut Diagnostics,
) -> (Vec<Card>, Option<OpenAtEnd>) {
    if !may_hold_cards(content) {
        return (Vec::new(), None);
    }
    // One parse for the blocks, the headings their ids must not repeat, and what the chapter
    // leaves open at its end (where the cards' style is appended).
    let scan = livingref_core::markdown::blocks_and_headings(content, "hypothesis", markdown);
    if scan.blocks.is_empty() {
        return (Vec::new(), scan.open_at_end);
    }
    let index = LineIndex::new(content);
    let cards: Vec<Card> = scan
        .blocks
        .into_iter()
        .filter_map(|found| {
            if found.nested {
                // Its lines carry `> ` or the item's indentation, which TOML cannot read, and
                // a card's HTML would end the list or quote it stands in.
                diags.push(
                    Diagnostic::error("a hypothesis card must stand at the top level of its chapter")
                        .at(Location::in_text(file, &index, found.block.start..found.block.start + 3))
                        .help("move the block out of the list or blockquote; link to the card from there with `[title](#id)`"),
                );
                return None;
            }
            let (block, body) = (found.block, found.body);
            let src = card::Source {
                text: content,
                index: &index,
                block,
                body,
                file,
                chapter,
                chapter_name,
            };
            card::parse(&src, statuses, diags)
        })
        .collect();
    if !cards.is_empty() {
        clashing_ids(&scan.headings, &cards, diags);
    }
    (cards, scan.open_at_end)
}

/// Id prefixes of anchors the other plugins write into pages: reference lists, recent-papers
/// sections, the glossary's letters.
const PLUGIN_ANCHORS: &[&str] = &["ref-", "recent-", "terms-"];

/// Warns about a card whose id is also a heading's id on its page (card `features` in a
/// chapter with a heading "Features"), or looks like another plugin's anchor: the page would
/// hold two elements with one id, and a table's link, or a citation's preview, would find
/// whichever the browser picks.
fn clashing_ids(headings: &[Heading], cards: &[Card], diags: &mut Diagnostics) {
    let ids = livingref_core::markdown::heading_ids(headings);
    for c in cards {
        let clash = if let Some(n) = ids.iter().position(|h| *h == c.id) {
            format!(
                "the heading \"{}\" on this page has it too",
                headings[n].text
            )
        } else if let Some(prefix) = PLUGIN_ANCHORS.iter().find(|p| c.id.starts_with(**p)) {
            format!(
                "ids starting with `{prefix}` are anchors that mdbook-papers and mdbook-terms write"
            )
        } else {
            continue;
        };
        diags.push(
            Diagnostic::warning(format!(
                "hypothesis id `{}` is not unique on its page: {clash}",
                c.id
            ))
            .at(c.id_at.clone())
            .help(format!(
                "rename the card, e.g. `id = \"{}-hypothesis\"`",
                c.id
            )),
        );
    }
}

/// Whether `content` can hold a ```` ```hypothesis ```` block at all, so that most chapters
/// are not parsed for cards. The info word must be written out, except that CommonMark decodes
/// numeric character references in it (`&#104;ypothesis`); no named reference stands for a
/// Latin letter.
fn may_hold_cards(content: &str) -> bool {
    content.contains("hypothesis") || content.contains("&#")
}

/// `{{#hypotheses status= tags= kind= columns= sort=}}`.
#[allow(clippy::too_many_arguments)]
fn summary(
    d: &Directive<'_>,
    cards: &[Card],
    statuses: &[String],
    here: &Path,
    lang: Lang,
    labels: &render::Labels,
    html: bool,
    at: &impl Fn(Range<usize>) -> Location,
    diags: &mut Diagnostics,
) -> String {
    for arg in &d.args {
        if let Some(key) = arg.key.filter(|k| !TABLE_KEYS.contains(k)) {
            diags.push(
                Diagnostic::warning(format!(
                    "unknown option `{key}` in `{{{{#hypotheses}}}}` is ignored"
                ))
                .at(at(arg.range.clone()))
                .help(livingref_core::config::did_you_mean(
                    key, TABLE_KEYS, "options",
                )),
            );
        }
    }
    let list = |key: &str| d.list(key);
    let (status, tags, kind) = (list("status"), list("tags"), list("kind"));
    let mut columns = list("columns");
    if columns.is_empty() {
        columns = ["title", "status", "statement", "for", "against", "chapter"]
            .map(String::from)
            .to_vec();
    }
    if let Some(bad) = columns.iter().find(|c| !COLUMNS.contains(&c.as_str())) {
        diags.push(
            Diagnostic::warning(format!("unknown column `{bad}`"))
                .at(at(d
                    .get("columns")
                    .map_or(d.range.clone(), |a| a.range.clone())))
                .help(format!("columns: {}", COLUMNS.join(", "))),
        );
        columns.retain(|c| COLUMNS.contains(&c.as_str()));
    }
    let mut selected: Vec<&Card> = cards
        .iter()
        .filter(|c| status.is_empty() || status.contains(&c.status))
        .filter(|c| tags.is_empty() || c.tags.iter().any(|t| tags.contains(t)))
        .filter(|c| kind.is_empty() || kind.contains(&c.kind))
        .collect();
    let rank = |s: &str| statuses.iter().position(|v| v == s).unwrap_or(usize::MAX);
    match d.get("sort").map(|a| a.value.as_ref()) {
        Some("title") => selected.sort_by_key(|c| c.title.to_lowercase()),
        Some("status") => selected.sort_by_key(|c| (rank(&c.status), c.title.to_lowercase())),
        Some("id") => selected.sort_by(|a, b| a.id.cmp(&b.id)),
        Some("chapter") | None => {}
        Some(other) => diags.push(
            Diagnostic::warning(format!("unknown sort `{other}`; cards keep book order"))
                .at(at(d.range.clone()))
                .help("sort by title, status, id or chapter"),
        ),
    }
    if selected.is_empty() {
        diags.push(
            Diagnostic::warning("no hypothesis matches this table")
                .at(at(d.range.clone()))
                .help("check the status, tags and kind filters"),
        );
    }
    render::table(&selected, &columns, here, lang, labels, html)
}

/// The bibliography of `[preprocessor.papers]`, if the book has one, for checking `cite` keys.
/// Its own problems are mdbook-papers' to report, so they are not repeated here.
fn papers_bibliography(run: &Run<'_, Settings>) -> Option<livingref_bib::Bibliography> {
    let papers = run
        .ctx
        .config
        .get::<toml::Table>("preprocessor.papers")
        .ok()
        .flatten()?;
    let files = livingref_bib::files_of(&papers);
    let root = run.ctx.root.clone();
    Some(livingref_bib::load(
        &files,
        &root,
        |p| p.to_path_buf(),
        &mut Diagnostics::new(),
    ))
}

/// `mdbook-hypotheses export [BOOK]`: every card of the book, as JSON on stdout. The book is
/// loaded by mdBook's own library as a build would hand it to this plugin (includes expanded,
/// `README.md` as the index page), and the cards are checked against the book's own
/// `statuses`; it needs no build.
fn export(root: &Path) -> ExitCode {
    let style = livingref_core::diag::Style::for_stderr();
    let (ctx, book) = match livingref_core::book_dir::open_for(root, "hypotheses") {
        Ok(opened) => opened,
        Err(d) => {
            eprint!("{}", d.render("hypotheses", style));
            return Exit::Usage.into();
        }
    };
    let mut diags = Diagnostics::new();
    let table = ctx
        .config
        .get::<toml::Table>("preprocessor.hypotheses")
        .ok()
        .flatten();
    let settings = livingref_core::config::load::<Settings>(
        "hypotheses",
        table,
        &root.join("book.toml"),
        &mut diags,
    )
    .map(|loaded| loaded.settings);
    let mut cards = Vec::new();
    if let Some(settings) = &settings {
        let markdown = ParseOptions::from_config(&ctx.config);
        let src = &ctx.config.book.src;
        for chapter in book.chapters() {
            let (Some(path), Some(source)) = (&chapter.path, &chapter.source_path) else {
                continue;
            };
            cards.extend(
                read_cards(
                    &chapter.content,
                    path,
                    &src.join(source),
                    &chapter.name,
                    &settings.statuses,
                    &markdown,
                    &mut diags,
                )
                .0,
            );
        }
    }
    if !diags.is_empty() {
        eprint!("{}", diags.render("hypotheses", false, style));
    }
    if settings.is_none() {
        return Exit::BookErrors.into();
    }
    match serde_json::to_string_pretty(&cards) {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("error[hypotheses]: {err}");
            return Exit::Usage.into();
        }
    }
    if diags.has_errors() {
        Exit::BookErrors.into()
    } else {
        ExitCode::SUCCESS
    }
}
