//! Markdown, read exactly as mdBook reads it, edited without re-serializing.
//!
//! Plugins never rebuild a chapter from parser events: Markdown → events → Markdown is lossy
//! (tables, math, raw HTML, escapes and spacing all drift). Instead:
//!
//! 1. [`scan`] parses a chapter once with mdBook's own parser and options and reports where
//!    insertions are allowed ([`Prose`]), which `{{#…}}` directives it holds, its headings and
//!    its HTML comments — all as byte ranges into the original text;
//! 2. a plugin turns what it found into [`Edit`]s;
//! 3. [`splice`] applies them to the original text. Bytes outside the edits are copied
//!    verbatim, and a chapter without edits is returned untouched.

mod append;
mod directive;
mod inert;
mod math;
mod regions;
mod splice;

pub use append::{OpenAtEnd, append, append_to_chapter, open_at_end};
pub use directive::{Arg, Directive, DirectiveError, parse_directive};
pub use inert::{inert, inert_inline};
pub use math::math_spans;
pub use regions::{
    Heading, Link, Prose, ScanOptions, Scanned, heading_ids, heading_slug, misplaced_block,
    misplaced_block_warning, scan,
};
pub use splice::{Edit, SpliceError, splice};

use mdbook_markdown::MarkdownOptions;
pub use mdbook_markdown::pulldown_cmark;
use std::ops::Range;

/// The parser switches mdBook's HTML renderer uses (`[output.html]` `smart-punctuation`,
/// `definition-lists`, `admonitions`; all on by default). Plugins must parse with the same
/// switches, or they would see a different document than the one readers get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    pub smart_punctuation: bool,
    pub definition_lists: bool,
    pub admonitions: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        let md = MarkdownOptions::default();
        ParseOptions {
            smart_punctuation: md.smart_punctuation,
            definition_lists: md.definition_lists,
            admonitions: md.admonitions,
        }
    }
}

impl ParseOptions {
    /// Reads the switches from `[output.html]`, falling back to mdBook's defaults.
    pub fn from_config(config: &mdbook_preprocessor::config::Config) -> Self {
        let default = ParseOptions::default();
        let flag = |key: &str, default: bool| {
            config
                .get::<bool>(&format!("output.html.{key}"))
                .ok()
                .flatten()
                .unwrap_or(default)
        };
        ParseOptions {
            smart_punctuation: flag("smart-punctuation", default.smart_punctuation),
            definition_lists: flag("definition-lists", default.definition_lists),
            admonitions: flag("admonitions", default.admonitions),
        }
    }

    /// mdBook's parser over `text`, configured like the HTML renderer.
    pub fn parser<'t>(&self, text: &'t str) -> pulldown_cmark::Parser<'t> {
        let mut md = MarkdownOptions::default();
        md.smart_punctuation = self.smart_punctuation;
        md.definition_lists = self.definition_lists;
        md.admonitions = self.admonitions;
        mdbook_markdown::new_cmark_parser(text, &md)
    }
}

/// A fenced code block found by [`fenced_blocks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// The whole block, fences included.
    pub block: Range<usize>,
    /// Its content.
    pub body: Range<usize>,
    /// Whether it stands inside a list item, blockquote or footnote: its lines then carry
    /// the container's markers or indentation, which are not the block's text.
    pub nested: bool,
}

/// Fenced code blocks whose info string's first word is `info` (```` ```hypothesis ````), as
/// mdBook's parser sees them.
pub fn fenced_blocks(content: &str, info: &str, markdown: &ParseOptions) -> Vec<FencedBlock> {
    blocks_and_headings(content, info, markdown).blocks
}

/// What one parse of a chapter tells a plugin that replaces fenced blocks: the blocks, the
/// headings (whose ids a block's anchor must not repeat) and what the chapter leaves open at
/// its end (which appended text must close).
#[derive(Debug, Clone, Default)]
pub struct BlockScan {
    pub blocks: Vec<FencedBlock>,
    pub headings: Vec<Heading>,
    pub open_at_end: Option<OpenAtEnd>,
}

/// [`fenced_blocks`], with the headings and what is left open, in the same parse.
pub fn blocks_and_headings(content: &str, info: &str, markdown: &ParseOptions) -> BlockScan {
    use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
    let mut out = BlockScan::default();
    let mut containers = 0usize;
    let mut images = 0usize;
    let mut heading: Option<Heading> = None;
    let mut end = append::EndTracker::default();
    let mut current: Option<(Range<usize>, Option<Range<usize>>)> = None;
    for (event, range) in markdown.parser(content).into_offset_iter() {
        end.observe(&event, range.clone());
        match event {
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => containers += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => containers = containers.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some(Heading {
                    level: level as u8,
                    range,
                    id: id.map(|s| s.to_string()),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => out.headings.extend(heading.take()),
            Event::Text(t) | Event::Code(t) if heading.is_some() && images == 0 => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(word)))
                if word.split_whitespace().next() == Some(info) =>
            {
                current = Some((range, None));
            }
            Event::Text(_) => {
                if let Some((_, body)) = current.as_mut() {
                    *body = Some(body.as_ref().map_or(range.clone(), |b| b.start..range.end));
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((block, body)) = current.take() {
                    let body = body.unwrap_or(block.start..block.start);
                    out.blocks.push(FencedBlock {
                        block,
                        body,
                        nested: containers > 0,
                    });
                }
            }
            _ => {}
        }
    }
    out.open_at_end = end.finish(content);
    out
}

/// Pieces of Markdown that break naive editors (code, math, currency, directives, raw HTML,
/// links, footnotes, tables, admonitions, CRLF, a BOM, Cyrillic): the alphabet that property
/// tests and fuzz seeds build chapters from, kept here so every test suite uses one list.
#[doc(hidden)]
pub const TRICKY_FRAGMENTS: &[&str] = &[
    "word ",
    "суперпозиция ",
    "Ёж ",
    "SAE",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "# ",
    "## Heading\n",
    "`code`",
    "```\n",
    "    ",
    "$",
    "$$",
    "\\\\(",
    "\\\\)",
    "\\",
    "{{#cite k}}",
    "{{#",
    "}}",
    "\"",
    "=",
    "[link](x.md)",
    "![img](i.png)",
    "<span>",
    "</span>",
    "<!-- c -->",
    "<div>\n",
    "*",
    "_",
    "> ",
    "> [!NOTE]\n",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "[^1]: ",
    "---\n",
    "&amp;",
    "Term\n: def\n",
    "<",
    ">",
    "$5 ",
    "\u{feff}",
];
