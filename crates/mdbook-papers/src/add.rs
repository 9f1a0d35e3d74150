//! `mdbook-papers add`: a new paper into the book's bibliography in one command.
//!
//! The maintainer pastes what arXiv, Google Scholar, Zotero or DBLP exported. Every entry is
//! parsed first; if any is broken, nothing is written. Each paper is then looked up in the
//! whole bibliography ([`crate::identity`]): a paper already there is reported with its key and
//! line and skipped (or, with `--update`, given the fields it lacks). New papers are rewritten
//! in the house style ([`crate::normalize`]) and appended to the target file, whose existing
//! bytes are never touched.

use crate::identity::{Identity, Index};
use crate::lint::location;
use crate::normalize::{self, Written};
use livingref_bib::Paper;
use livingref_bib::{self as bib, Bibliography};
use livingref_core::diag::{Style, display_path};
use livingref_core::protocol::Exit;
use livingref_core::{Diagnostic, Diagnostics, Location};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Lines for `--help`.
pub(crate) const HELP: &str = "    mdbook-papers add [FILE…] [--book DIR] [--into FILE] [--keywords \"a, b\"] [--update] [--dry-run]\n              \
add BibTeX entries (from FILEs, or pasted on stdin) to the book's bibliography\n";

/// The options of `add`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Options {
    pub inputs: Vec<PathBuf>,
    pub book: PathBuf,
    pub into: Option<PathBuf>,
    pub keywords: Option<Vec<String>>,
    pub update: bool,
    pub dry_run: bool,
}

pub(crate) fn parse_options(args: &[&str]) -> Result<Options, String> {
    use lexopt::prelude::*;
    let mut options = Options {
        book: PathBuf::from("."),
        ..Options::default()
    };
    let mut parser = lexopt::Parser::from_args(args.iter().map(OsString::from));
    let text = |v: OsString| v.into_string().map_err(|v| format!("not UTF-8: {v:?}"));
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("book") => options.book = parser.value().map_err(|e| e.to_string())?.into(),
            Long("into") => options.into = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("keywords") => {
                let value = text(parser.value().map_err(|e| e.to_string())?)?;
                // The tags are written inside `keywords = {…}`: a brace or a quote would end
                // the field early (`a}, title = {pwned`) or leave the entry open and swallow
                // every entry after it (`sae{`).
                if let Some(c) = value.chars().find(|c| matches!(c, '{' | '}' | '"' | '\\')) {
                    return Err(format!(
                        "`--keywords` cannot hold `{c}`: write tags separated by commas, e.g. --keywords \"sae, circuits\""
                    ));
                }
                options.keywords = Some(
                    value
                        .split([',', ';'])
                        .map(|t| t.trim().to_lowercase())
                        .filter(|t| !t.is_empty())
                        .collect(),
                );
            }
            Long("update") => options.update = true,
            Long("dry-run") => options.dry_run = true,
            Value(file) => options.inputs.push(file.into()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(options)
}

/// Runs `add`: exit 0 when it went through (duplicates are warnings), 1 when the input has
/// errors (nothing is written), 2 for bad arguments or unreadable files.
pub(crate) fn command(args: &[&str]) -> ExitCode {
    let options = match parse_options(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error[papers]: {message}\n\n{HELP}");
            return Exit::Usage.into();
        }
    };
    let input = match read_inputs(&options.inputs) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("error[papers]: {message}");
            return Exit::Usage.into();
        }
    };
    let mut diags = Diagnostics::new();
    let outcome = run(&options, input, &mut diags);
    let style = Style::for_stderr();
    for d in diags.iter() {
        eprintln!("{}", d.render("papers", style));
    }
    match outcome {
        Ok(report) => {
            if options.dry_run {
                print!("{}", report.preview);
            }
            for line in &report.done {
                eprintln!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(code) => code.into(),
    }
}

/// What `add` did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// One line per entry added, updated or skipped.
    pub done: Vec<String>,
    /// The new and updated entries, as written.
    pub preview: String,
}

/// The work of `add` on already-read input: `(name, text)` pairs. Errors are exit codes, with
/// the reasons in `diags`.
pub(crate) fn run(
    options: &Options,
    input: Vec<(PathBuf, String)>,
    diags: &mut Diagnostics,
) -> Result<Report, Exit> {
    let book = Book::read(&options.book, options.into.as_deref()).map_err(|d| {
        diags.push(*d);
        Exit::Usage
    })?;
    // Held until `run` returns: the bibliography is read, compared and written under it, so
    // two `add`s at once queue up instead of each writing what it read before the other.
    let _lock = if options.dry_run {
        None
    } else {
        Some(lock(&book.target).map_err(|d| {
            diags.push(*d);
            Exit::Usage
        })?)
    };
    let mut existing_diags = Diagnostics::new();
    let existing = bib::load(
        &book.files,
        &book.root,
        |p| book.shown(p),
        &mut existing_diags,
    );

    let mut input_diags = Diagnostics::new();
    let incoming = bib::parse(input, &mut input_diags);
    if !input_diags.is_empty() || incoming.papers.is_empty() {
        if incoming.papers.is_empty() && input_diags.is_empty() {
            input_diags.push(
                Diagnostic::error("the input holds no BibTeX entry")
                    .help("paste entries such as `@article{key, title = {…}, …}`"),
            );
        }
        diags.extend(input_diags.iter().cloned());
        diags.push(
            Diagnostic::error("nothing was added: the input has problems")
                .help("fix the entries above and run `mdbook-papers add` again"),
        );
        return Err(Exit::BookErrors);
    }

    let vocabulary = book.vocabulary(&existing);
    let mut index = Index::default();
    for (n, paper) in existing.papers.iter().enumerate() {
        index.insert(&Identity::of(paper), n);
    }
    let mut taken: BTreeSet<String> = existing.keys().map(str::to_lowercase).collect();
    let mut added: Vec<(Written, &Paper)> = Vec::new();
    // Each input key that is written under another name: a new key, or the key of the entry
    // already in the bibliography. Other input entries that link to it follow.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut updates: BTreeMap<PathBuf, Vec<(std::ops::Range<usize>, String)>> = BTreeMap::new();
    let mut report = Report::default();
    for paper in &incoming.papers {
        let Some(written) = Written::read(&paper.bibtex) else {
            continue;
        };
        let identity = Identity::of(paper);
        if let Some((n, same)) = index.find(&identity) {
            let kept = existing.papers.get(n).map(|p| p.key.clone()).or_else(|| {
                added
                    .get(n - existing.papers.len())
                    .map(|(w, _)| w.key.clone())
            });
            if let Some(kept) = kept.filter(|k| *k != written.key) {
                renamed.entry(written.key.to_lowercase()).or_insert(kept);
            }
            match existing.papers.get(n) {
                Some(earlier) if options.update => {
                    let fields = normalize::normalize(&written, paper, &earlier.key, None);
                    let pending = updates
                        .values()
                        .flatten()
                        .any(|(range, _)| *range == earlier.span);
                    match merge(&book, earlier, &fields).filter(|_| !pending) {
                        Some((file, range, text, names)) if !names.is_empty() => {
                            report.done.push(format!(
                                "updated `{}` ({}:{}): added {}",
                                earlier.key,
                                earlier.file.display(),
                                earlier.line,
                                names.join(", ")
                            ));
                            report.preview.push_str(&text);
                            report.preview.push('\n');
                            updates.entry(file).or_default().push((range, text));
                        }
                        _ => report.done.push(format!(
                            "`{}` ({}:{}) already has every field of `{}`",
                            earlier.key,
                            earlier.file.display(),
                            earlier.line,
                            written.key
                        )),
                    }
                }
                Some(earlier) => diags.push(
                    Diagnostic::warning(format!(
                        "`{}` is already in the bibliography as `{}` ({}); it is not added again",
                        written.key,
                        earlier.key,
                        same.describe()
                    ))
                    .at(location(paper))
                    .related(location(earlier), "already here")
                    .help("cite the existing key, or pass `--update` to add the fields it lacks"),
                ),
                None => {
                    // The duplicate is an earlier entry of this same input.
                    let first = added.get(n - existing.papers.len()).map(|(_, p)| *p);
                    let mut d = Diagnostic::warning(format!(
                        "`{}` appears twice in the input ({}); it is added once",
                        written.key,
                        same.describe()
                    ))
                    .at(location(paper));
                    if let Some(first) = first {
                        d = d.related(location(first), "first here");
                    }
                    diags.push(d);
                }
            }
            continue;
        }
        let key = normalize::unique_key(&normalize::key_for(paper), |k| taken.contains(k));
        taken.insert(key.to_lowercase());
        if key != written.key {
            renamed.insert(written.key.to_lowercase(), key.clone());
        }
        let fields = normalize::normalize(&written, paper, &key, options.keywords.as_deref());
        check_tags(&fields, &vocabulary, paper, diags);
        index.insert(&identity, existing.papers.len() + added.len());
        added.push((fields, paper));
    }
    let added: Vec<(String, &Paper)> = added
        .into_iter()
        .map(|(mut fields, paper)| {
            normalize::follow_renames(&mut fields, &renamed);
            (normalize::to_bibtex(&fields), paper)
        })
        .collect();
    read_back(&added, diags)?;

    let target = book.target.clone();
    let shown_target = book.shown(&target);
    if !added.is_empty() {
        let mut text = String::new();
        for (entry, _) in &added {
            text.push_str(entry);
            text.push_str("\n\n");
        }
        report.preview.insert_str(0, &text);
    }
    if !options.dry_run {
        write(&book, &target, &added, &mut updates).map_err(|d| {
            diags.push(*d);
            Exit::Usage
        })?;
    }
    let verb = if options.dry_run {
        "would add"
    } else {
        "added"
    };
    for (entry, paper) in &added {
        let key = entry
            .split_once('{')
            .and_then(|(_, r)| r.split_once(','))
            .map_or("", |(k, _)| k);
        let from = Written::read(&paper.bibtex)
            .map(|w| w.key)
            .unwrap_or_default();
        let renamed = if from == key {
            String::new()
        } else {
            format!(" (was `{from}`)")
        };
        report.done.push(format!(
            "{verb} `{key}`{renamed} to {}",
            shown_target.display()
        ));
    }
    if added.is_empty() && updates.is_empty() {
        report.done.push("nothing to add".to_owned());
    }
    Ok(report)
}

/// The book's bibliography setup, as `add` needs it.
struct Book {
    root: PathBuf,
    /// Every bibliography file (the target included), relative to `root` or absolute.
    files: Vec<PathBuf>,
    /// Where new entries go.
    target: PathBuf,
    /// Tags named in `[preprocessor.papers.topics]`.
    topic_tags: BTreeSet<String>,
}

impl Book {
    fn read(root: &Path, into: Option<&Path>) -> Result<Book, Box<Diagnostic>> {
        let toml_path = root.join("book.toml");
        // Read as a build reads it; only `--into` works without a book.
        let papers = match livingref_core::book_dir::config(root) {
            Ok(config) => config
                .get::<toml::Table>("preprocessor.papers")
                .ok()
                .flatten()
                .unwrap_or_default(),
            Err(_) if into.is_some() && !toml_path.exists() => toml::Table::new(),
            Err(diagnostic) if toml_path.exists() => return Err(Box::new(diagnostic)),
            Err(diagnostic) => {
                return Err(Box::new(diagnostic.help(
                    "run this in the book's folder, or pass `--book DIR` or `--into FILE`",
                )));
            }
        };
        let mut files: Vec<PathBuf> = livingref_bib::files_of(&papers);
        let target = match into {
            // `--into` is relative to where the maintainer runs the command.
            Some(path) => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            None => match files.first() {
                Some(first) => root.join(first),
                None => {
                    return Err(Box::new(
                        Diagnostic::error("`bibliography` in `[preprocessor.papers]` is empty")
                            .at(Location::file(&toml_path))
                            .help("name a file there, or pass `--into FILE`"),
                    ));
                }
            },
        };
        let listed = files
            .iter()
            .any(|f| std::path::absolute(root.join(f)).ok() == std::path::absolute(&target).ok());
        if !listed {
            files.push(target.clone());
        }
        let topic_tags = papers
            .get("topics")
            .and_then(|t| t.as_table())
            .map(|t| {
                t.values()
                    .filter_map(|v| v.as_array())
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .map(|s| s.trim().to_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Book {
            root: root.to_path_buf(),
            files,
            target,
            topic_tags,
        })
    }

    fn shown(&self, path: &Path) -> PathBuf {
        display_path(&self.root, path)
    }

    /// Topic tags of the book: those of `topics` and those existing entries use.
    fn vocabulary(&self, existing: &Bibliography) -> BTreeSet<String> {
        let mut tags = self.topic_tags.clone();
        for paper in &existing.papers {
            tags.extend(paper.keywords.iter().cloned());
        }
        tags
    }

    /// The real path of a bibliography file as diagnostics name it.
    fn real(&self, shown: &Path) -> PathBuf {
        self.files
            .iter()
            .map(|f| self.root.join(f))
            .find(|p| self.shown(p) == shown)
            .unwrap_or_else(|| self.root.join(shown))
    }
}

/// Warns about tags the book does not use yet, with the nearest known one.
fn check_tags(
    entry: &Written,
    vocabulary: &BTreeSet<String>,
    paper: &Paper,
    diags: &mut Diagnostics,
) {
    if vocabulary.is_empty() {
        return;
    }
    let Some(value) = entry.get("keywords") else {
        return;
    };
    let known: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
    let inner = value.trim_matches(|c| c == '{' || c == '}' || c == '"');
    for tag in inner
        .split([',', ';'])
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if vocabulary.contains(&tag) {
            continue;
        }
        let help = match livingref_core::config::nearest(&tag, &known) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "a new tag is fine; list it under `[preprocessor.papers.topics]` so a chapter shows its papers".to_owned(),
        };
        diags.push(
            Diagnostic::warning(format!(
                "`{}`: tag `{tag}` is not a topic tag of this book",
                paper.key
            ))
            .at(location(paper))
            .help(help),
        );
    }
}

/// The existing entry with the fields of `new` it lacks inserted before its closing brace:
/// (file, byte range of the entry in the file, new entry text, names of the added fields).
fn merge(
    book: &Book,
    earlier: &Paper,
    new: &Written,
) -> Option<(PathBuf, std::ops::Range<usize>, String, Vec<String>)> {
    let old = Written::read(&earlier.bibtex)?;
    let missing: Vec<&(String, String)> = new
        .fields
        .iter()
        .filter(|(name, _)| old.get(name).is_none())
        .collect();
    let file = book.real(&earlier.file);
    let text = &earlier.bibtex;
    let close = text.rfind(['}', ')'])?;
    let body_end = text[..close].trim_end().len();
    let indent = text[..body_end]
        .rsplit('\n')
        .next()
        .map(|line| &line[..line.len() - line.trim_start().len()])
        .filter(|i| !i.is_empty())
        .unwrap_or("  ");
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut insert = String::new();
    let trailing_comma = text[..body_end].ends_with(',');
    if !trailing_comma {
        insert.push(',');
    }
    for (i, (name, value)) in missing.iter().enumerate() {
        insert.push_str(&format!(
            "{newline}{indent}{} = {value}",
            normalize::display_name(name)
        ));
        if trailing_comma || i + 1 < missing.len() {
            insert.push(',');
        }
    }
    let merged = format!("{}{insert}{}", &text[..body_end], &text[body_end..]);
    let names = missing
        .iter()
        .map(|(n, _)| normalize::display_name(n).to_owned())
        .collect();
    Some((file, earlier.span.clone(), merged, names))
}

/// Applies `updates` and appends `added` to `target`; every other byte stays as it was.
fn write(
    book: &Book,
    target: &Path,
    added: &[(String, &Paper)],
    updates: &mut BTreeMap<PathBuf, Vec<(std::ops::Range<usize>, String)>>,
) -> Result<(), Box<Diagnostic>> {
    let io_error = |path: &Path, err: std::io::Error| {
        Box::new(Diagnostic::error(format!(
            "cannot write `{}`: {err}",
            book.shown(path).display()
        )))
    };
    let mut files: BTreeSet<PathBuf> = updates.keys().cloned().collect();
    if !added.is_empty() {
        files.insert(target.to_path_buf());
    }
    for file in files {
        let mut text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => return Err(io_error(&file, err)),
        };
        // Spans are measured after a byte-order mark, which stays in place.
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        if let Some(edits) = updates.get_mut(&file) {
            edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            for (range, replacement) in edits.iter() {
                text.replace_range(range.start + bom..range.end + bom, replacement);
            }
        }
        if file == target && !added.is_empty() {
            // New lines end the way the file's lines already do.
            let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
            if !text.is_empty() && !text.ends_with('\n') {
                text.push_str(newline);
            }
            for (entry, _) in added {
                if !text.is_empty() {
                    text.push_str(newline);
                }
                text.push_str(&entry.replace('\n', newline));
                text.push_str(newline);
            }
        }
        replace(&file, &text).map_err(|e| io_error(&file, e))?;
    }
    Ok(())
}

/// Writes `text` as the new content of `file` all at once: into a temporary file beside the
/// real one (a symlink is followed, so the link stays), which then takes its place. A reader
/// such as a running `mdbook serve` sees the old file or the new one, never half of one, and
/// a failed write leaves the old bytes where they were.
fn replace(file: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let dir = match real.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let permissions = match std::fs::metadata(&real) {
        Ok(meta) => {
            // Writing in place would fail on a file we may not write; so must this.
            std::fs::OpenOptions::new().append(true).open(&real)?;
            Some(meta.permissions())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&dir)?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

/// An exclusive lock for changing `target`, held while the value lives. It is taken on the
/// folder that holds the file (on Unix) rather than on the file, because [`replace`] puts a
/// new file in the old one's place: a lock on the old file would not stop a later `add` from
/// locking the new one. Elsewhere a `.lock` file beside the target serves.
fn lock(target: &Path) -> Result<std::fs::File, Box<Diagnostic>> {
    let real = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    let dir = match real.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    let fail = |err: std::io::Error| {
        Box::new(Diagnostic::error(format!(
            "cannot lock `{}` for writing: {err}",
            dir.display()
        )))
    };
    #[cfg(unix)]
    let file = std::fs::File::open(&dir).map_err(fail)?;
    #[cfg(not(unix))]
    let file = {
        let mut name = real.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(name))
            .map_err(fail)?
    };
    file.lock().map_err(fail)?;
    Ok(file)
}

/// What `add` is about to append must read back as exactly those entries: the same keys, in
/// order, with the same fields. The last guard against input that would leave an entry open
/// or smuggle in a field.
fn read_back(added: &[(String, &Paper)], diags: &mut Diagnostics) -> Result<(), Exit> {
    if added.is_empty() {
        return Ok(());
    }
    let shape = |text: &str| {
        Written::read(text).map(|w| {
            let names: Vec<String> = w.fields.into_iter().map(|(n, _)| n).collect();
            (w.key, names)
        })
    };
    let intended: Vec<_> = added.iter().map(|(t, _)| shape(t)).collect();
    let text: String = added.iter().map(|(t, _)| format!("{t}\n\n")).collect();
    let mut back_diags = Diagnostics::new();
    let back = bib::parse(
        vec![(PathBuf::from("<new entries>"), text)],
        &mut back_diags,
    );
    let got: Vec<_> = back.papers.iter().map(|p| shape(&p.bibtex)).collect();
    if back_diags.is_empty() && intended == got {
        return Ok(());
    }
    diags.push(
        Diagnostic::error("nothing was added: the new entries would not read back as written")
            .help("check the input for unbalanced braces or quotes"),
    );
    Err(Exit::BookErrors)
}

/// The input: each FILE, or stdin when there is none (or for `-`).
fn read_inputs(files: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    let stdin = || -> Result<(PathBuf, String), String> {
        let mut text = String::new();
        if std::io::stdin().is_terminal() {
            return Err(
                "paste BibTeX on stdin (e.g. `pbpaste | mdbook-papers add`) or name .bib files"
                    .to_owned(),
            );
        }
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        Ok((PathBuf::from("<stdin>"), text))
    };
    if files.is_empty() {
        return Ok(vec![stdin()?]);
    }
    files
        .iter()
        .map(|f| {
            if f.as_os_str() == "-" {
                return stdin();
            }
            std::fs::read_to_string(f)
                .map(|t| (f.clone(), t))
                .map_err(|e| format!("cannot read `{}`: {e}", f.display()))
        })
        .collect()
}
