//! Prose regions on tricky Markdown. Each case shows the chapter with its prose regions
//! bracketed as `⟦…⟧`, so a failure reads as a diff of what a plugin may touch.

// Tests fail by panicking; unwrap is the clearest way to say "this must hold".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use livingref_core::markdown::{ParseOptions, ScanOptions, scan};

fn marked(text: &str) -> String {
    marked_with(text, ScanOptions::default())
}

fn marked_with(text: &str, opts: ScanOptions) -> String {
    let scanned = scan(text, &ParseOptions::default(), &opts);
    let mut out = String::new();
    let mut at = 0;
    for p in &scanned.prose {
        out.push_str(&text[at..p.range.start]);
        out.push('⟦');
        out.push_str(&text[p.range.clone()]);
        out.push('⟧');
        at = p.range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn inline_code_links_images_and_emphasis() {
    assert_eq!(
        marked("Use *sparse* `SAE` and [SAE](x.md) or ![SAE](i.png) <https://a.b>.\n"),
        "⟦Use ⟧*⟦sparse⟧*⟦ ⟧`SAE`⟦ and ⟧[SAE](x.md)⟦ or ⟧![SAE](i.png)⟦ ⟧<https://a.b>⟦.⟧\n"
    );
}

#[test]
fn fenced_and_indented_code() {
    assert_eq!(
        marked("Text.\n\n```rust\nlet sae = 1;\n```\n\n    indented sae\n\nEnd.\n"),
        "⟦Text.⟧\n\n```rust\nlet sae = 1;\n```\n\n    indented sae\n\n⟦End.⟧\n"
    );
}

#[test]
fn headings_are_protected_unless_asked() {
    let text = "# Superposition\n\nBody.\n\nSetext\n------\n";
    assert_eq!(
        marked(text),
        "# Superposition\n\n⟦Body.⟧\n\nSetext\n------\n"
    );
    let opts = ScanOptions {
        headings_are_prose: true,
    };
    assert_eq!(
        marked_with(text, opts),
        "# ⟦Superposition⟧\n\n⟦Body.⟧\n\n⟦Setext⟧\n------\n"
    );
}

#[test]
fn sections_count_headings() {
    let text = "Intro.\n\n## A\n\nIn A.\n\n## B {#b}\n\nIn B.\n";
    let scanned = scan(text, &ParseOptions::default(), &ScanOptions::default());
    let sections: Vec<(usize, &str)> = scanned
        .prose
        .iter()
        .map(|p| (p.section, &text[p.range.clone()]))
        .collect();
    assert_eq!(sections, [(0, "Intro."), (1, "In A."), (2, "In B.")]);
    assert_eq!(scanned.headings[1].id.as_deref(), Some("b"));
    assert_eq!(scanned.headings[1].text, "B");
}

#[test]
fn raw_html_blocks_inline_html_and_comments() {
    assert_eq!(
        marked(
            "<div class=\"x\">\nSAE here\n</div>\n\nA <kbd>SAE</kbd> b<br>c <!-- terms:off --> d\n"
        ),
        "<div class=\"x\">\nSAE here\n</div>\n\n⟦A ⟧<kbd>SAE</kbd>⟦ b⟧<br>⟦c ⟧<!-- terms:off -->⟦ d⟧\n"
    );
    // #19: text inside inline elements that are not links or code is prose, as in mdBook
    // books' captions; inside `<a>`, `<code>`, `<var>` it is not, whatever wraps it.
    assert_eq!(
        marked(
            "<span class=\"caption\">Листинг 13-10: Создание итератора</span>\n\n\
             A <em>x <code>y</code> z</em> <a href=\"u\">in <span>link</span></a> <VAR>v</VAR> w\n"
        ),
        "<span class=\"caption\">⟦Листинг 13-10: Создание итератора⟧</span>\n\n\
         ⟦A ⟧<em>⟦x ⟧<code>y</code>⟦ z⟧</em>⟦ ⟧<a href=\"u\">in <span>link</span></a>⟦ ⟧<VAR>v</VAR>⟦ w⟧\n"
    );
    let scanned = scan(
        "a <!-- x --> b\n\n<!-- block -->\n",
        &ParseOptions::default(),
        &ScanOptions::default(),
    );
    assert_eq!(scanned.html_comments.len(), 2);
}

#[test]
fn math_is_protected_but_currency_is_prose() {
    assert_eq!(
        marked("Let $W_{QK}$ be it and $$x*y*z$$ too; it costs $5 and $10.\n"),
        "⟦Let ⟧$W_{QK}$⟦ be it and ⟧$$x*y*z$$⟦ too; it costs $5 and $10.⟧\n"
    );
    assert_eq!(
        marked("MathJax \\\\(a_i\\\\) here.\n"),
        "⟦MathJax ⟧\\\\(a_i\\\\)⟦ here.⟧\n"
    );
}

#[test]
fn directives_are_protected_and_parsed() {
    let text =
        "See {{#cite elhage2022superposition}} and \\{{#cite literal}}.\n\n`{{#cite code}}`\n";
    assert_eq!(
        marked(text),
        "⟦See ⟧{{#cite elhage2022superposition}}⟦ and ⟧\\{⟦{#cite literal}}.⟧\n\n`{{#cite code}}`\n"
    );
    let scanned = scan(text, &ParseOptions::default(), &ScanOptions::default());
    assert_eq!(scanned.directives.len(), 1);
    assert_eq!(scanned.directives[0].as_ref().unwrap().name, "cite");
}

#[test]
fn emphasis_delimiters_keep_their_flanking() {
    // `*term*` and `**term**` stay linkable; intraword emphasis and words glued to literal
    // delimiters are left alone, since a tag next to them could change what they pair with.
    assert_eq!(
        marked("A *term*, **bold** term.\n"),
        "⟦A ⟧*⟦term⟧*⟦, ⟧**⟦bold⟧**⟦ term.⟧\n"
    );
    assert_eq!(
        marked("in*tra*word and snake_case x\n"),
        "in*tra*word⟦ and ⟧snake_case⟦ x⟧\n"
    );
}

#[test]
fn nested_lists_block_quotes_and_admonitions() {
    assert_eq!(
        marked("- one\n  - nested SAE\n\n> quoted\n> SAE line\n\n> [!NOTE]\n> Admonished SAE.\n"),
        "- ⟦one⟧\n  - ⟦nested SAE⟧\n\n> ⟦quoted⟧\n> ⟦SAE line⟧\n\n> [!NOTE]\n> ⟦Admonished SAE.⟧\n"
    );
}

#[test]
fn soft_breaks_join_lines_of_a_paragraph() {
    // "sparse\nautoencoder" is one region, so a two-word term can match across the break.
    assert_eq!(
        marked("A sparse\nautoencoder.\n"),
        "⟦A sparse\nautoencoder.⟧\n"
    );
}

#[test]
fn tables_footnotes_and_definition_lists() {
    assert_eq!(
        marked(
            "| Term | Meaning |\n|---|---|\n| SAE | `code` |\n\nText[^n].\n\n[^n]: Note SAE.\n\nSAE\n: A model.\n"
        ),
        // A definition-list term is no prose: mdBook makes it a header link, and a link
        // inside it would be a link inside a link.
        "| ⟦Term⟧ | ⟦Meaning⟧ |\n|---|---|\n| ⟦SAE⟧ | `code` |\n\n⟦Text⟧[^n]⟦.⟧\n\n[^n]: ⟦Note SAE.⟧\n\nSAE\n: ⟦A model.⟧\n"
    );
}

#[test]
fn reference_definitions_and_link_references() {
    assert_eq!(
        marked("Read [the paper][p] now.\n\n[p]: https://arxiv.org/abs/1 \"SAE\"\n"),
        "⟦Read ⟧[the paper][p]⟦ now.⟧\n\n[p]: https://arxiv.org/abs/1 \"SAE\"\n"
    );
}

#[test]
fn crlf_and_cyrillic() {
    assert_eq!(
        marked("Суперпозиция — это *гипотеза*.\r\nВторая строка.\r\n\r\n```\r\nкод\r\n```\r\n"),
        "⟦Суперпозиция — это ⟧*⟦гипотеза⟧*⟦.\r\nВторая строка.⟧\r\n\r\n```\r\nкод\r\n```\r\n"
    );
}

#[test]
fn smart_punctuation_joins_and_escapes_split() {
    // Smart quotes and dashes are separate text events over contiguous bytes: one region.
    // An escaped character is not prose, so no edit can separate it from its backslash;
    // the word glued to it is left alone too.
    assert_eq!(
        marked("It's \"quoted\" -- and a\\*star.\n"),
        "⟦It's \"quoted\" -- and a⟧\\*star⟦.⟧\n"
    );
    // An entity is text to the parser but markup in the source.
    assert_eq!(marked("R&amp;D and more.\n"), "⟦R⟧&amp;⟦D and more.⟧\n");
}

#[test]
fn front_matter_is_protected() {
    assert_eq!(
        marked("---\ntitle: SAE\n---\n\nBody SAE.\n"),
        "---\ntitle: SAE\n---\n\n⟦Body SAE.⟧\n"
    );
}

#[test]
fn multi_line_comments_and_rules_that_are_not_front_matter() {
    let text = "Para.\n\n<!--\nterms:off\n-->\n\nMore.\n";
    let scanned = scan(text, &ParseOptions::default(), &ScanOptions::default());
    assert_eq!(
        &text[scanned.html_comments[0].clone()],
        "<!--\nterms:off\n-->\n"
    );
    assert_eq!(
        marked("---\n\n# Intro\n\ntext\n\n---\n"),
        "---\n\n# Intro\n\n⟦text⟧\n\n---\n"
    );
}
