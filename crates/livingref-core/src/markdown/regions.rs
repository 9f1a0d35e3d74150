//! One pass over a chapter: where insertions are allowed, and what else a plugin needs to know.
//!
//! *Prose* is text a reader reads as running text. Everything else is protected: fenced and
//! indented code, inline code, link and image text and destinations, headings (unless asked
//! for), raw HTML blocks, inline HTML and the text inside inline HTML elements, HTML comments,
//! math (see [`super::math`]), `{{#…}}` directives, footnote labels, reference definitions and
//! YAML front matter. Prose ranges only ever cover bytes that pulldown-cmark reported as text,
//! so an edit at a prose boundary can never split a Markdown construct.

use super::ParseOptions;
use super::directive::{Directive, DirectiveError, parse_directive};
use super::math::math_spans;
use super::pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// What [`scan`] should treat as prose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Heading text is protected by default (a link inside a heading breaks its anchor and
    /// the sidebar); set this to allow edits there.
    pub headings_are_prose: bool,
}

/// A stretch of running text where a plugin may insert markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    pub range: Range<usize>,
    /// Number of headings before this text: 0 before the first heading. Lets plugins work
    /// "per section".
    pub section: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The whole heading, markup included.
    pub range: Range<usize>,
    /// An explicit `{#id}` attribute, if written.
    pub id: Option<String>,
    /// The heading's text content, without markup (and without images' alt text).
    pub text: String,
}

/// mdBook's heading-id rule (`id_from_content` in mdbook-html): the text lower-cased, letters,
/// digits, `_` and `-` kept, white space made `-`, everything else dropped.
pub fn heading_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// The ids mdBook's HTML renderer gives `headings`, in order: an explicit `{#id}` as written,
/// else the slug, with `-1`, `-2` … for a slug already used on the page.
pub fn heading_ids(headings: &[Heading]) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    headings
        .iter()
        .map(|h| match &h.id {
            Some(id) => id.clone(),
            None => {
                let base = heading_slug(&h.text);
                let mut id = base.clone();
                let mut n = 0;
                while !used.insert(id.clone()) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                id
            }
        })
        .collect()
}

/// A link: its whole source (`[text](dest)`) and its destination as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: Range<usize>,
    pub dest: String,
}

/// Everything [`scan`] learned about a chapter, as byte ranges into it.
#[derive(Debug, Clone, Default)]
pub struct Scanned<'t> {
    pub prose: Vec<Prose>,
    /// `{{#…}}` directives outside code, in order; malformed ones as errors.
    pub directives: Vec<Result<Directive<'t>, DirectiveError>>,
    pub headings: Vec<Heading>,
    /// `<!-- … -->` comments (block or inline), e.g. for `<!-- terms:off -->` switches.
    pub html_comments: Vec<Range<usize>>,
    /// Inline links and autolinks, e.g. for `[text](term:id)` forms.
    pub links: Vec<Link>,
    /// Sorted, merged ranges no edit may touch (code, HTML, math, directives, front matter).
    /// Link text and headings are protected too but not listed: they are never prose.
    pub protected: Vec<Range<usize>>,
    /// A code block, comment or raw block the chapter never closes: appended text must close
    /// it first (see [`append`](super::append)).
    pub open_at_end: Option<super::OpenAtEnd>,
    /// Sorted, merged ranges of list items, blockquotes and footnotes: where a block that a
    /// directive expands to cannot go (see [`misplaced_block`]).
    pub containers: Vec<Range<usize>>,
    /// Sorted, merged ranges where a generated link would land inside another one or show as
    /// raw text: headings and definition-list terms (mdBook makes them links), link text,
    /// and image alt text.
    pub anchorless: Vec<Range<usize>>,
}

/// The warning for block directive `name` that [`misplaced_block`] refused, for `why`.
pub fn misplaced_block_warning(name: &str, why: &str) -> crate::Diagnostic {
    crate::Diagnostic::warning(format!(
        "`{{{{#{name}}}}}` cannot become its section here: {why}; it is left as written"
    ))
    .help("put the directive on a line of its own, outside lists and blockquotes")
}

/// Why the block directive at `range` (`{{#recent-papers}}`, `{{#bibliography}}`,
/// `{{#hypotheses}}`) cannot be replaced by the block it stands for, if it cannot: inside a
/// list item or blockquote the block would end the container (an empty quote, a list split
/// in two), and next to other text on its line it would break the paragraph apart.
pub fn misplaced_block(
    text: &str,
    scanned: &Scanned<'_>,
    range: &Range<usize>,
) -> Option<&'static str> {
    let i = scanned.containers.partition_point(|r| r.end <= range.start);
    if scanned
        .containers
        .get(i)
        .is_some_and(|r| r.start <= range.start)
    {
        return Some("it stands inside a list item or blockquote");
    }
    let line_start = text[..range.start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |n| range.end + n);
    if !text[line_start..range.start].trim().is_empty()
        || !text[range.end..line_end].trim().is_empty()
    {
        return Some("other text shares its line");
    }
    None
}

/// Scans `text` with mdBook's parser (configured by `parse`).
pub fn scan<'t>(text: &'t str, parse: &ParseOptions, opts: &ScanOptions) -> Scanned<'t> {
    let mut out = Scanned::default();
    // Code and raw HTML: neither math nor directives can start or end inside them.
    let mut opaque: Vec<Range<usize>> = Vec::new();
    let mut regions: Vec<Prose> = Vec::new();
    let mut current: Option<Prose> = None;
    let mut soft_break = false;
    let mut depth = Depth::default();
    let mut heading: Option<Heading> = None;
    let mut open_comment: Option<usize> = None;

    let front_matter = front_matter(text);
    let body_start = front_matter.as_ref().map_or(0, |r| r.end);

    let mut end_tracker = super::append::EndTracker::default();
    let mut containers: Vec<Range<usize>> = Vec::new();
    let mut anchorless: Vec<Range<usize>> = Vec::new();
    for (event, range) in parse.parser(text).into_offset_iter() {
        end_tracker.observe(&event, range.clone());
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => {
                containers.push(range.clone());
            }
            Event::Start(
                Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::DefinitionListTitle,
            ) => anchorless.push(range.clone()),
            _ => {}
        }
        match &event {
            Event::Start(Tag::DefinitionListTitle) => depth.dt += 1,
            Event::End(TagEnd::DefinitionListTitle) => depth.dt = depth.dt.saturating_sub(1),
            _ => {}
        }
        if range.end <= body_start && body_start > 0 {
            continue;
        }
        let mut keep_open = false;
        match &event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(_) => {
                    depth.code += 1;
                    opaque.push(range.clone());
                }
                Tag::HtmlBlock => opaque.push(range.clone()),
                Tag::Link { dest_url, .. } => {
                    depth.link += 1;
                    out.links.push(Link {
                        range: range.clone(),
                        dest: dest_url.to_string(),
                    });
                }
                Tag::Image { .. } => depth.image += 1,
                Tag::MetadataBlock(_) => depth.code += 1,
                Tag::Heading { level, id, .. } => {
                    depth.heading += 1;
                    heading = Some(Heading {
                        level: *level as u8,
                        range: range.clone(),
                        id: id.as_ref().map(|s| s.to_string()),
                        text: String::new(),
                    });
                }
                _ => {}
            },
            Event::End(tag) => {
                match tag {
                    TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => depth.code -= 1,
                    TagEnd::Link => depth.link -= 1,
                    TagEnd::Image => depth.image -= 1,
                    TagEnd::Heading(_) => {
                        depth.heading -= 1;
                        out.headings.extend(heading.take());
                    }
                    _ => {}
                }
                if is_block_end(tag) {
                    // Unbalanced inline HTML cannot leak protection past its block.
                    depth.inline_html = 0;
                }
            }
            Event::Text(t) => {
                // mdBook slugs a heading from its rendered text nodes; an image's alt text is
                // an attribute there, not text.
                if let Some(h) = heading.as_mut()
                    && depth.image == 0
                {
                    h.text.push_str(t);
                }
                // Only verbatim text (and smart punctuation) is prose: an entity such as
                // `&amp;` is text to the parser but markup in the source, and an escaped
                // character must stay glued to its backslash.
                let mut range = range.clone();
                let mut parsed: &str = t;
                let after_backslash = range.start > 0 && text.as_bytes()[range.start - 1] == b'\\';
                if after_backslash && current.as_ref().is_none_or(|c| c.range.end != range.start) {
                    let skip = t.chars().next().map_or(0, char::len_utf8);
                    range.start += skip;
                    parsed = &t[skip..];
                }
                if depth.allows_prose(opts)
                    && !range.is_empty()
                    && is_verbatim(&text[range.clone()], parsed)
                {
                    let joins = current.as_ref().is_some_and(|cur| {
                        cur.range.end == range.start
                            || (soft_break && text[cur.range.end..range.start].trim().is_empty())
                    });
                    match current.as_mut() {
                        Some(cur) if joins => cur.range.end = range.end,
                        _ => {
                            regions.extend(current.take());
                            current = Some(Prose {
                                range: range.clone(),
                                section: out.headings.len() + usize::from(heading.is_some()),
                            });
                        }
                    }
                    keep_open = true;
                }
            }
            Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(t);
                }
                opaque.push(range.clone());
            }
            Event::SoftBreak if current.is_some() => {
                soft_break = true;
                continue;
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                // A block comment arrives one line per event: record it from `<!--` to `-->`.
                if let Some(start) = open_comment {
                    if html.contains("-->") {
                        out.html_comments.push(start..range.end);
                        open_comment = None;
                    }
                } else if html.trim_start().starts_with("<!--") {
                    if html.contains("-->") {
                        out.html_comments.push(range.clone());
                    } else {
                        open_comment = Some(range.start);
                    }
                }
                if matches!(event, Event::InlineHtml(_)) {
                    depth.inline_html = depth
                        .inline_html
                        .saturating_add_signed(inline_tag_effect(html));
                    opaque.push(range.clone());
                }
            }
            _ => {}
        }
        soft_break = false;
        if !keep_open {
            regions.extend(current.take());
        }
    }
    regions.extend(current.take());
    out.open_at_end = end_tracker.finish(text);
    out.containers = merge(containers);
    out.anchorless = merge(anchorless);

    // Math and directives live inside what pulldown-cmark calls text; cut them out.
    opaque.sort_by_key(|r| r.start);
    let mut protected = math_spans(text, &opaque);
    let mut after = 0;
    for (at, _) in text.match_indices("{{#") {
        if at < after || at < body_start || in_ranges(&opaque, at) || is_escaped(text, at) {
            continue;
        }
        let parsed = parse_directive(text, at);
        let span = match &parsed {
            Ok(d) => d.range.clone(),
            Err(e) => at..e.range.end.max(at + 3),
        };
        after = span.end;
        protected.push(span);
        out.directives.push(parsed);
    }
    protected.extend(front_matter);
    protected.extend(opaque);
    out.protected = merge(protected);
    out.prose = split_at_markup_chars(text, subtract(regions, &out.protected));
    out
}

/// ASCII characters that the parser saw as literal text *here* but that pair up with other
/// characters (`[`…`]`, `*`, `_`, `~`, `<`, `` ` ``, `&`, `\\`): markup inserted next to one can
/// change how it pairs (an emphasis delimiter's flanking, a bracket's link-ness). Prose never
/// contains them, and a word glued to one (`_word`, `[word`) is left out too.
const MARKUP_CHARS: &[u8] = b"[]<>*_~`&\\";

/// Emphasis and strikethrough delimiters.
const DELIMITERS: &[u8] = b"*_~";

fn split_at_markup_chars(text: &str, regions: Vec<Prose>) -> Vec<Prose> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(regions.len());
    for region in regions {
        let mut start = region.range.start;
        let mut literal_before = false;
        for i in region.range.clone() {
            if MARKUP_CHARS.contains(&bytes[i]) {
                out.extend(trim_glued(
                    text,
                    start..i,
                    literal_before,
                    true,
                    region.section,
                ));
                start = i + 1;
                literal_before = true;
            }
        }
        out.extend(trim_glued(
            text,
            start..region.range.end,
            literal_before,
            false,
            region.section,
        ));
    }
    out
}

/// Drops a word glued to a neighbour where wrapping it in markup could change the parse:
/// a literal markup character, or an emphasis delimiter run whose flanking (CommonMark 6.2)
/// would change once `<`/`>` stands next to it instead of a letter. `*term*` stays linkable;
/// intraword `a*b*c` does not.
fn trim_glued(
    text: &str,
    range: Range<usize>,
    literal_before: bool,
    literal_after: bool,
    section: usize,
) -> Option<Prose> {
    let bytes = text.as_bytes();
    let piece = &text[range.clone()];
    let glued_before = literal_before
        || (range.start > 0 && DELIMITERS.contains(&bytes[range.start - 1]) && {
            let run = bytes[range.start - 1];
            let run_start = bytes[..range.start]
                .iter()
                .rposition(|&b| b != run)
                .map_or(0, |i| i + 1);
            // Safe only when the run is preceded by white space or starts the text.
            run_start > 0 && !bytes[run_start - 1].is_ascii_whitespace()
        });
    let glued_after = literal_after
        || (range.end < bytes.len() && DELIMITERS.contains(&bytes[range.end]) && {
            let run = bytes[range.end];
            let run_end = bytes[range.end..]
                .iter()
                .position(|&b| b != run)
                .map_or(bytes.len(), |i| range.end + i);
            match bytes.get(run_end) {
                // Followed by white space or the end: the run stays right-flanking only.
                None => false,
                Some(b) if b.is_ascii_whitespace() => false,
                // Followed by punctuation, the run becomes both-flanking, which is harmless only
                // for a symmetric pair (`*term*.`): CommonMark's "rule of 3" can otherwise
                // unpair it. Accept exactly that: the same run, as long, right before the region.
                Some(b) if b.is_ascii_punctuation() && !MARKUP_CHARS.contains(b) => {
                    let len = run_end - range.end;
                    let opens = range.start >= len
                        && bytes[range.start - len..range.start]
                            .iter()
                            .all(|&b| b == run)
                        && (range.start == len || bytes[range.start - len - 1] != run);
                    !opens
                }
                Some(_) => true,
            }
        });
    let start = if glued_before {
        range.start
            + piece
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(piece.len())
    } else {
        range.start
    };
    let end = if glued_after {
        piece
            .rfind(|c: char| !c.is_alphanumeric())
            .map_or(range.start, |i| {
                range.start + i + piece[i..].chars().next().map_or(1, char::len_utf8)
            })
    } else {
        range.end
    };
    (start < end).then_some(Prose {
        range: start..end,
        section,
    })
}

/// Whether a text event's source bytes read as its text: equal, or smart punctuation
/// (`'` → `’`, `--` → `–`, `...` → `…`).
fn is_verbatim(source: &str, parsed: &str) -> bool {
    source == parsed
        || (source
            .bytes()
            .all(|b| matches!(b, b'\'' | b'"' | b'-' | b'.'))
            && parsed
                .chars()
                .all(|c| matches!(c, '‘' | '’' | '“' | '”' | '–' | '—' | '…')))
}

/// How deep the event stream currently is inside constructs that protect their text.
#[derive(Debug, Default)]
struct Depth {
    code: u32,
    link: u32,
    image: u32,
    heading: u32,
    /// A definition list's term: mdBook makes it a header link, like a heading.
    dt: u32,
    inline_html: u32,
}

impl Depth {
    fn allows_prose(&self, opts: &ScanOptions) -> bool {
        self.code == 0
            && self.link == 0
            && self.image == 0
            && self.inline_html == 0
            && ((self.heading == 0 && self.dt == 0) || opts.headings_are_prose)
    }
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::TableCell
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

/// Inline elements whose text must never get a link: a link already, code and keyboard or
/// sample text, variables, scripts and styles, form controls, embedded SVG and MathML.
/// Every other inline element (`<span>`, `<em>`, `<strong>`, `<sup>`, `<abbr>`, …) holds
/// prose, as Markdown emphasis does: mdBook books put captions in `<span class="caption">`.
const PROTECTED_INLINE: &[&str] = &[
    "a", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "button", "select",
    "option", "label", "svg", "math", "template", "title", "noscript", "iframe", "object",
];

/// +1 for an opening protected inline tag (`<a …>`, `<code>`, see [`PROTECTED_INLINE`]), -1
/// for its closing tag, 0 for any other tag, comments, void and self-closing elements. Text
/// between a protected opening tag and its closing tag is not prose.
fn inline_tag_effect(html: &str) -> i32 {
    let html = html.trim();
    if html.starts_with("<!") || html.starts_with("<?") || html.ends_with("/>") {
        return 0;
    }
    let (closing, rest) = match html.strip_prefix("</") {
        Some(rest) => (true, rest),
        None => (false, html.get(1..).unwrap_or_default()),
    };
    let name = rest
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match (PROTECTED_INLINE.contains(&name.as_str()), closing) {
        (false, _) => 0,
        (true, true) => -1,
        (true, false) => 1,
    }
}

/// YAML front matter: a first line `---` and a closing `---` or `...` line. mdBook does not
/// strip it (it renders as a rule and a heading), but its keys are never prose.
fn front_matter(text: &str) -> Option<Range<usize>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - body.len();
    let first = body.lines().next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut pos = offset + first.len() + 1;
    // YAML, not a thematic break: `key: value` lines with no blank line before the close.
    let mut saw_key = false;
    for line in text.get(pos..)?.split_inclusive('\n') {
        pos += line.len();
        let line = line.trim_end();
        if matches!(line, "---" | "...") {
            return saw_key.then_some(0..pos);
        }
        if line.is_empty() {
            return None;
        }
        saw_key |= line.contains(':');
    }
    None
}

fn is_escaped(text: &str, at: usize) -> bool {
    let backslashes = text[..at].bytes().rev().take_while(|&c| c == b'\\').count();
    backslashes % 2 == 1
}

fn in_ranges(sorted: &[Range<usize>], pos: usize) -> bool {
    crate::span::in_sorted(sorted, pos)
}

fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `regions` minus `protected` (both sorted by start), in linear time.
fn subtract(regions: Vec<Prose>, protected: &[Range<usize>]) -> Vec<Prose> {
    let mut out = Vec::with_capacity(regions.len());
    let mut p = 0;
    for region in regions {
        let mut start = region.range.start;
        let end = region.range.end;
        while p < protected.len() && protected[p].end <= start {
            p += 1;
        }
        let mut q = p;
        while q < protected.len() && protected[q].start < end {
            if protected[q].start > start {
                out.push(Prose {
                    range: start..protected[q].start,
                    section: region.section,
                });
            }
            start = start.max(protected[q].end);
            q += 1;
        }
        if start < end {
            out.push(Prose {
                range: start..end,
                section: region.section,
            });
        }
    }
    out
}
