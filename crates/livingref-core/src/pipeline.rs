//! The preprocessors mdBook would run before a given one, run the same way, so `check` sees a
//! chapter exactly as the build hands it over.
//!
//! This matters in a book that chains plugins: the flagship runs hypotheses → papers → terms,
//! and the text terms links includes what the hypothesis cards turned into. mdBook's order is
//! reproduced: a topological sort of `before`/`after`, ties broken by name (code point order),
//! layer by layer. The built-in `links` and `index` preprocessors live inside mdBook and are not
//! run, so `{{#include}}` stays unexpanded in a check.

use crate::diag::{Diagnostic, Location};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

const BUILT_IN: [&str; 2] = ["index", "links"];

/// One `[preprocessor.NAME]` table, as far as ordering and running it go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Entry {
    command: Option<String>,
    before: Vec<String>,
    after: Vec<String>,
    optional: bool,
}

/// Every preprocessor of the book in mdBook's run order (built-ins included).
pub fn order(config: &mdbook_preprocessor::config::Config) -> Vec<String> {
    order_of(&entries(config), config.build.use_default_preprocessors)
}

fn entries(config: &mdbook_preprocessor::config::Config) -> BTreeMap<String, Entry> {
    let table: BTreeMap<String, toml::Value> = config.preprocessors().unwrap_or_default();
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    table
        .iter()
        .map(|(name, value)| {
            let entry = Entry {
                command: value
                    .get("command")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned),
                before: strings(value.get("before")),
                after: strings(value.get("after")),
                optional: value
                    .get("optional")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(false),
            };
            (name.clone(), entry)
        })
        .collect()
}

fn order_of(entries: &BTreeMap<String, Entry>, defaults: bool) -> Vec<String> {
    let mut names: BTreeSet<String> = entries.keys().cloned().collect();
    if defaults {
        names.extend(BUILT_IN.map(str::to_owned));
    }
    // `first → then` edges, only between preprocessors that exist (mdBook ignores the rest).
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, entry) in entries {
        for later in &entry.before {
            if names.contains(later) {
                edges.insert((name.clone(), later.clone()));
            }
        }
        for earlier in &entry.after {
            if names.contains(earlier) {
                edges.insert((earlier.clone(), name.clone()));
            }
        }
    }
    let mut order = Vec::new();
    while !names.is_empty() {
        // One layer: everything no remaining preprocessor must precede, in name order.
        let layer: Vec<String> = names
            .iter()
            .filter(|n| !edges.iter().any(|(a, b)| b == *n && names.contains(a)))
            .cloned()
            .collect();
        if layer.is_empty() {
            break; // a cycle: mdBook stops there too
        }
        for name in &layer {
            names.remove(name);
        }
        order.extend(layer);
    }
    order
}

/// Runs, in order, the external preprocessors that mdBook would run before `name` and that
/// support the context's renderer, and returns the book as `name` would receive it.
pub fn run_before(
    name: &str,
    ctx: &PreprocessorContext,
    mut book: Book,
) -> Result<Book, Diagnostic> {
    let entries = entries(&ctx.config);
    for earlier in order(&ctx.config)
        .into_iter()
        .take_while(|n| n != name)
        .filter(|n| !BUILT_IN.contains(&n.as_str()))
    {
        let entry = entries.get(&earlier).cloned().unwrap_or_default();
        let command = entry
            .command
            .clone()
            .unwrap_or_else(|| format!("mdbook-{earlier}"));
        book = match run_one(&command, ctx, &book) {
            Ok(Some(next)) => next,
            Ok(None) => book, // does not support the renderer
            Err(_) if entry.optional => book,
            Err(message) => {
                return Err(Diagnostic::error(format!(
                    "preprocessor `{earlier}`, which runs before this one, failed: {message}"
                ))
                .at(Location::file(ctx.root.join("book.toml")))
                .help("`mdbook build` fails the same way; fix that first"));
            }
        };
    }
    Ok(book)
}

fn run_one(command: &str, ctx: &PreprocessorContext, book: &Book) -> Result<Option<Book>, String> {
    let supports = compose(command, ctx)?
        .args(["supports", &ctx.renderer])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    if !supports.success() {
        return Ok(None);
    }
    let input = serde_json::to_vec(&(ctx, book)).map_err(|e| e.to_string())?;
    let mut child = compose(command, ctx)?
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A preprocessor that exits early closes its stdin; its exit status tells why.
        let _ = stdin.write_all(&input);
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("`{command}` did not finish: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`{command}` exited with {}\n{stderr}",
            output.status
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map(Some)
        .map_err(|e| format!("`{command}` wrote something other than a book: {e}"))
}

/// A command line split as mdBook splits it; a path with a folder is relative to the book.
fn compose(command: &str, ctx: &PreprocessorContext) -> Result<Command, String> {
    let mut words = shlex::Shlex::new(command);
    let exe = words
        .next()
        .ok_or_else(|| "the `command` is empty".to_owned())?;
    let exe = std::path::PathBuf::from(exe);
    let exe = if exe.components().count() == 1 {
        exe
    } else {
        ctx.root.join(exe)
    };
    let mut cmd = Command::new(exe);
    cmd.args(words).current_dir(&ctx.root);
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_toml(text: &str) -> mdbook_preprocessor::config::Config {
        text.parse().expect("config")
    }

    #[test]
    fn order_follows_before_after_then_names() {
        let config = book_toml(
            "[preprocessor.terms]\nafter = [\"papers\"]\n\
             [preprocessor.papers]\nafter = [\"hypotheses\"]\n\
             [preprocessor.hypotheses]\n\
             [preprocessor.aaa]\nbefore = [\"links\", \"missing\"]\n",
        );
        assert_eq!(
            order(&config),
            ["aaa", "hypotheses", "index", "links", "papers", "terms"]
        );
    }
}
