//! Shared helpers: fixture books, the compiled binaries, `<main>` extraction, expected files.

use livingref_core::InProcess;
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::config::Config;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub(crate) const PLUGINS: [&str; 3] = ["hypotheses", "papers", "terms"];

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A fresh copy of a fixture book in a temporary folder, so builds never write into the repo.
pub(crate) fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// How a test runs the plugins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Inside the mdBook process through `mdbook-driver`.
    InProcess,
    /// As mdBook runs them for real: the compiled binaries over the JSON protocol.
    Binaries,
}

/// Loads the book at `root` with every livingref plugin it configures wired up per `mode`.
pub(crate) fn load(root: &Path, mode: Mode) -> MDBook {
    let mut config = Config::from_disk(root.join("book.toml")).unwrap();
    if mode == Mode::Binaries {
        for name in PLUGINS {
            if config.contains_key(&format!("preprocessor.{name}")) {
                let bin = binary(&format!("mdbook-{name}"));
                config
                    .set(
                        format!("preprocessor.{name}.command"),
                        bin.to_str().unwrap(),
                    )
                    .unwrap();
            }
        }
    }
    // A book with math uses the pinned mdbook-katex that `cargo xtask` installs.
    if config.contains_key("preprocessor.katex") {
        config
            .set("preprocessor.katex.command", katex().to_str().unwrap())
            .unwrap();
    }
    let configured = |name: &str| config.contains_key(&format!("preprocessor.{name}"));
    let (hypotheses, papers, terms) = (
        configured("hypotheses"),
        configured("papers"),
        configured("terms"),
    );
    let mut md = MDBook::load_with_config(root, config).unwrap();
    if mode == Mode::InProcess {
        // Same name as the book.toml table: replaces the command preprocessor in place, so
        // the order from `before`/`after` is kept. Only the plugins the book enables run.
        if hypotheses {
            md.with_preprocessor(InProcess(mdbook_hypotheses::Hypotheses));
        }
        if papers {
            md.with_preprocessor(InProcess(mdbook_papers::Papers));
        }
        if terms {
            md.with_preprocessor(InProcess(mdbook_terms::Terms));
        }
    }
    md
}

/// The pinned mdbook-katex, installed into the per-user cache on first use (about a minute
/// and a half of compiling, once per machine).
pub(crate) fn katex() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| tool_path("mdbook-katex")).clone()
}

/// The pinned `mdbook` binary itself, for tests that read what a real `mdbook build` prints.
pub(crate) fn mdbook() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| tool_path("mdbook")).clone()
}

/// `mdbook build` of the book at `root`, with every livingref plugin it configures run as
/// the compiled binary: (exit code, stderr).
pub(crate) fn mdbook_build(root: &Path) -> (i32, String) {
    let mut cmd = Command::new(mdbook());
    cmd.arg("build").arg(root).env("NO_COLOR", "1");
    let config = std::fs::read_to_string(root.join("book.toml")).unwrap();
    // A command set from the environment would add the preprocessor to a book without it.
    for name in PLUGINS
        .iter()
        .filter(|n| config.contains(&format!("[preprocessor.{n}]")))
    {
        cmd.env(
            format!(
                "MDBOOK_PREPROCESSOR__{}__COMMAND",
                name.to_ascii_uppercase()
            ),
            binary(&format!("mdbook-{name}")),
        );
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tool_path(tool: &str) -> PathBuf {
    {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "run",
                "--quiet",
                "--package",
                "xtask",
                "--",
                "tool-path",
                tool,
            ])
            .current_dir(repo_root())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "installing {tool} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    }
}

/// The book after all preprocessors (mdBook's own included) ran, as the markdown renderer sees it.
/// The book as the plugins leave it for the HTML renderer (mdBook's default).
pub(crate) fn preprocess(md: &MDBook) -> Book {
    preprocess_for(md, "html")
}

/// The book as the plugins leave it for `renderer` (`html`, `markdown`, …); nothing is
/// rendered.
pub(crate) fn preprocess_for(md: &MDBook, renderer: &str) -> Book {
    let renderer =
        mdbook_driver::builtin_renderers::CmdRenderer::new(renderer.into(), String::new());
    md.preprocess_book(&renderer).unwrap().0
}

/// The content of the chapter whose source path ends with `suffix`.
pub(crate) fn chapter(book: &Book, suffix: &str) -> String {
    chapters(book)
        .into_iter()
        .find(|(p, _)| p.ends_with(suffix))
        .unwrap_or_else(|| panic!("no chapter {suffix}"))
        .1
}

/// Replaces `from` with `to` in the file at `path` (a fixture copy), failing if `from` is absent.
pub(crate) fn rewrite(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Every chapter with a source file, as `(source path, content)`, depth first.
pub(crate) fn chapters(book: &Book) -> Vec<(PathBuf, String)> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(Chapter {
                source_path: Some(p),
                content,
                ..
            }) => Some((p.clone(), content.clone())),
            _ => None,
        })
        .collect()
}

/// Runs `plugin` alone on a copy of `fixture` (after `edit` changed it) and returns its
/// diagnostics.
pub(crate) fn diagnostics_of<P: livingref_core::Plugin>(
    plugin: &P,
    fixture: &str,
    edit: impl FnOnce(&Path),
) -> Vec<livingref_core::Diagnostic> {
    let dir = copy_fixture(fixture);
    edit(dir.path());
    let md = MDBook::load(dir.path()).unwrap();
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        dir.path().to_path_buf(),
        md.config.clone(),
        "html".into(),
    );
    livingref_core::protocol::process(plugin, &ctx, md.book.clone())
        .diagnostics
        .iter()
        .cloned()
        .collect()
}

/// A diagnostic on one line, as tests compare them: `warning: message @ file:line:col`.
pub(crate) fn shown(d: &livingref_core::Diagnostic) -> String {
    let severity = if d.severity == livingref_core::Severity::Error {
        "error"
    } else {
        "warning"
    };
    let at = d
        .location
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    format!("{severity}: {} @ {at}", d.message)
}

/// The book `fixture` becomes after `edit` (on a copy) and every preprocessor, as the markdown
/// renderer sees it.
pub(crate) fn edited_book(fixture: &str, mode: Mode, edit: impl FnOnce(&Path)) -> Book {
    let dir = copy_fixture(fixture);
    edit(dir.path());
    preprocess(&load(dir.path(), mode))
}

/// `chapter` of `fixture` comes out of the plugins byte-identical (through the binaries).
pub(crate) fn assert_chapter_unchanged(fixture: &str, chapter_file: &str) {
    let dir = copy_fixture(fixture);
    let book = preprocess(&load(dir.path(), Mode::Binaries));
    let original = std::fs::read_to_string(dir.path().join("src").join(chapter_file)).unwrap();
    assert_eq!(chapter(&book, chapter_file), original);
}

/// `%XX` escapes in a URL path or fragment, decoded.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Path of a compiled binary of this workspace, built on first use.
///
/// `CARGO_BIN_EXE_*` only exists for binaries of the package under test, and the binaries
/// live in their own crates; so the suite asks cargo to build them once (a no-op when
/// `cargo test --workspace` already did) into the same target folder and profile.
pub(crate) fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let target_dir = profile_dir.parent().unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "--bins"])
            .arg("--target-dir")
            .arg(target_dir);
        for plugin in PLUGINS {
            cmd.args(["-p", &format!("mdbook-{plugin}")]);
        }
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.current_dir(repo_root()).status().unwrap();
        assert!(status.success(), "building the plugin binaries failed");
        profile_dir
    });
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The `<main>…</main>` element of a rendered page: the part a plugin influences. The rest
/// (sidebar, scripts, theme) belongs to mdBook and would make expected files brittle.
pub(crate) fn main_of(html: &str) -> String {
    let start = html.find("<main>").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>") + "</main>".len();
    let mut main = html[start..end].to_owned();
    // The style and script blocks the plugins inline are the same on every page; expected
    // files show a marker instead, and dedicated tests check the real thing.
    while let Some(at) = main.find("<style>\n/* mdbook-") {
        let name: String = main[at + 11..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .collect();
        let mut close = main[at..]
            .find("</style>")
            .map_or(main.len(), |n| at + n + "</style>".len());
        let after = main[close..].trim_start();
        if after.starts_with("<script>") {
            let script = main.len() - after.len();
            close = main[script..]
                .find("</script>")
                .map_or(main.len(), |n| script + n + "</script>".len());
        }
        main.replace_range(at..close, &format!("<!-- {name} assets -->"));
    }
    // Normalise the trailing spaces of mdBook's template so files stay editor-proof.
    main.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Compares `actual` with the committed file `tests/expected/<rel>`. With
/// `LIVINGREF_BLESS=1` the file is (re)written instead: review the diff, then commit.
pub(crate) fn assert_expected(rel: &str, actual: &str) {
    let path = repo_root().join("tests/expected").join(rel);
    if std::env::var_os("LIVINGREF_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing expected file {}; run `LIVINGREF_BLESS=1 cargo test` to create it",
            path.display()
        )
    });
    if expected != actual {
        let diff_line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{} differs from the output (first differing line: {:?}).\n--- expected\n{expected}\n--- actual\n{actual}\n\
             If the change is intended, run `LIVINGREF_BLESS=1 cargo test` and commit the diff.",
            path.display(),
            diff_line.map(|n| n + 1)
        );
    }
}

/// Builds `fixture` both ways (in-process and through the binaries) and compares each
/// page's `<main>` with `tests/expected/<fixture>/<page>.html`.
pub(crate) fn build_and_compare(fixture: &str, pages: &[&str]) {
    for mode in [Mode::InProcess, Mode::Binaries] {
        let dir = copy_fixture(fixture);
        load(dir.path(), mode).build().unwrap();
        for page in pages {
            let html =
                std::fs::read_to_string(dir.path().join("book").join(format!("{page}.html")))
                    .unwrap();
            assert_expected(&format!("{fixture}/{page}.html"), &main_of(&html));
        }
    }
}

/// Runs a binary with `args` and `stdin`, returning (exit code, stdout, stderr).
pub(crate) fn run_binary(name: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    run(name, args, stdin, &[])
}

/// Runs a binary in default mode with extra environment variables.
pub(crate) fn run_binary_env(
    name: &str,
    stdin: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    run(name, &[], stdin, env)
}

fn run(name: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(binary(name))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its arguments exits before reading its input.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
