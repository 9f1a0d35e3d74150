//! The flagship book builds with all three plugins, without warnings, and every internal
//! link and `#anchor` in the built HTML resolves.

use crate::support::{Mode, load, repo_root};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A copy of the flagship book (book.toml and book/) in a temporary folder.
fn flagship() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo_root().join("book.toml"), dir.path().join("book.toml")).unwrap();
    copy(&repo_root().join("book"), &dir.path().join("book"));
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// Values of `attr="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let start = at + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let dir = flagship();
    load(dir.path(), Mode::InProcess).build().unwrap();
    let out = dir.path().join("target/book");
    let mut pages = Vec::new();
    html_files(&out, &mut pages);
    assert!(pages.len() >= 8, "{pages:?}");
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        ids.insert(
            page.clone(),
            attribute_values(&html, "id")
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
    }
    let mut broken = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for href in attribute_values(&html, "href") {
            let href = href.replace("&amp;", "&");
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with("javascript:")
                || href.is_empty()
            {
                continue;
            }
            let (path, fragment) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path.split('?').next().unwrap())
            };
            let target = normalize(&target);
            if !target.exists() {
                broken.push(format!(
                    "{}: {href} (no such file)",
                    page.strip_prefix(&out).unwrap().display()
                ));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && target.extension().is_some_and(|e| e == "html")
                && !ids
                    .get(&target)
                    .is_some_and(|set| set.contains(&crate::support::percent_decode(fragment)))
            {
                broken.push(format!(
                    "{}: {href} (no such anchor)",
                    page.strip_prefix(&out).unwrap().display()
                ));
            }
        }
    }
    assert_eq!(broken, Vec::<String>::new(), "broken internal links");
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn flagship_builds_without_warnings() {
    let dir = flagship();
    let md = mdbook_driver::MDBook::load(dir.path()).unwrap();
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        dir.path().to_path_buf(),
        md.config.clone(),
        "html".into(),
    );
    let book = md.book.clone();
    let h = livingref_core::protocol::process(&mdbook_hypotheses::Hypotheses, &ctx, book);
    let p = livingref_core::protocol::process(
        &mdbook_papers::Papers,
        &ctx,
        h.book.expect("hypotheses ran"),
    );
    let t =
        livingref_core::protocol::process(&mdbook_terms::Terms, &ctx, p.book.expect("papers ran"));
    assert!(t.book.is_some());
    for (name, diags) in [
        ("hypotheses", &h.diagnostics),
        ("papers", &p.diagnostics),
        ("terms", &t.diagnostics),
    ] {
        let shown: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(shown.is_empty(), "{name}: {shown:#?}");
    }
}
