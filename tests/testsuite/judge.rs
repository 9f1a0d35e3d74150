//! Judging built pages as a browser reads them: parsed HTML, never substrings (the plugins
//! quote attributes with `'`, mdBook rewrites them with `"`, and entities hide either).

use scraper::{Html, Selector};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Every `.html` page under `dir`, parsed, with its path relative to `dir`.
pub(crate) fn pages(dir: &Path) -> Vec<(PathBuf, Html)> {
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Html)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((
                path.strip_prefix(root).unwrap().to_path_buf(),
                Html::parse_document(&text),
            ));
        }
    }
}

pub(crate) fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

/// What on a page could act for someone other than the reader: links and sources with a
/// scheme other than http(s)/mailto, images from other sites, event-handler attributes,
/// anchors inside anchors, and duplicate ids. Each as a sentence naming the page.
pub(crate) fn live_markup(page: &Path, doc: &Html) -> Vec<String> {
    let mut found = Vec::new();
    let name = page.display();
    for element in select(doc, "*") {
        let tag = element.value().name();
        for (attr, value) in element.value().attrs() {
            if attr.starts_with("on") {
                found.push(format!("{name}: <{tag} {attr}=…>"));
            }
            if matches!(attr, "href" | "src" | "action" | "formaction" | "srcset") {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some((scheme, _)) = v.split_once(':')
                    && !scheme.contains(['/', '?', '#'])
                    && !matches!(scheme, "http" | "https" | "mailto")
                {
                    found.push(format!("{name}: <{tag} {attr}={value:?}>"));
                }
                if attr != "href" && v.contains("evil.example") {
                    found.push(format!(
                        "{name}: <{tag} {attr}={value:?}> loads from outside"
                    ));
                }
            }
        }
    }
    for nested in select(doc, "a a") {
        found.push(format!("{name}: a link inside a link: {}", nested.html()));
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for element in select(doc, "[id]") {
        *ids.entry(element.value().id().unwrap_or_default())
            .or_default() += 1;
    }
    let mut repeated: Vec<_> = ids.into_iter().filter(|(_, n)| *n > 1).collect();
    repeated.sort();
    for (id, n) in repeated {
        found.push(format!("{name}: id `{id}` {n} times"));
    }
    found
}

/// The text a reader sees in the first element matching `css`, white space collapsed.
pub(crate) fn text_of(doc: &Html, css: &str) -> String {
    select(doc, css)
        .first()
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
