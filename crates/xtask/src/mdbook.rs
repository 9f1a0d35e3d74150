//! Finds (or installs) the pinned mdBook and runs it on the flagship book.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The mdBook release the suite is built and tested against.
pub(crate) const MDBOOK_VERSION: &str = "0.5.4";

/// Builds the plugin binaries, then runs `mdbook ARGS` at the repository root (where
/// `book.toml` points `src` at `book/` and the build at `target/book/`).
pub(crate) fn run(args: &[&str]) -> Result<(), String> {
    let root = repo_root();
    // Build the plugins first, so book.toml's `cargo run` commands start instantly instead of
    // compiling inside mdBook's first `supports` call.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(&cargo);
    build.args([
        "build",
        "--quiet",
        "--bins",
        "-p",
        "mdbook-terms",
        "-p",
        "mdbook-papers",
        "-p",
        "mdbook-hypotheses",
    ]);
    status(build.current_dir(&root), "building the plugins")?;

    let mdbook = find_or_install()?;
    let mut cmd = Command::new(&mdbook);
    cmd.args(args).current_dir(&root);
    status(&mut cmd, "mdbook")?;
    if args.first() == Some(&"build") {
        println!(
            "The book is in {}",
            root.join("target/book/index.html").display()
        );
    }
    Ok(())
}

/// `$MDBOOK` if set; else an `mdbook` on `PATH` of the pinned version; else the copy this
/// task installed before; else `cargo install` it (once per machine, a few minutes) into a
/// per-user cache, never over a user's own `mdbook`.
fn find_or_install() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MDBOOK") {
        return Ok(PathBuf::from(path));
    }
    if version_of(Path::new("mdbook")).as_deref() == Some(MDBOOK_VERSION) {
        return Ok(PathBuf::from("mdbook"));
    }
    let cache = cache_dir().join(format!("mdbook-{MDBOOK_VERSION}"));
    let bin = cache
        .join("bin")
        .join(format!("mdbook{}", std::env::consts::EXE_SUFFIX));
    if version_of(&bin).as_deref() == Some(MDBOOK_VERSION) {
        return Ok(bin);
    }
    eprintln!(
        "xtask: installing mdBook {MDBOOK_VERSION} into {} (once per machine)",
        cache.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut install = Command::new(cargo);
    install
        .args([
            "install",
            "mdbook",
            "--locked",
            "--version",
            MDBOOK_VERSION,
            "--root",
        ])
        .arg(&cache);
    status(&mut install, "cargo install mdbook")?;
    Ok(bin)
}

fn version_of(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    // "mdbook v0.5.4"
    text.split_whitespace()
        .nth(1)
        .map(|v| v.trim_start_matches('v').to_owned())
}

fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("livingref");
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".cache").join("livingref")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask is two levels down")
        .to_path_buf()
}

fn status(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
