//! Finds (or installs) the pinned mdBook and math preprocessor, and runs mdBook on the
//! flagship book.

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

    let mdbook = find_or_install(&MDBOOK)?;
    // book.toml names `mdbook-katex`; the pinned copy goes first on PATH.
    let katex = find_or_install(&KATEX)?;
    let mut path: Vec<PathBuf> = katex.parent().map(Path::to_path_buf).into_iter().collect();
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(path).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(&mdbook);
    cmd.args(args).current_dir(&root).env("PATH", path);
    status(&mut cmd, "mdbook")?;
    if args.first() == Some(&"build") {
        println!(
            "The book is in {}",
            root.join("target/book/index.html").display()
        );
    }
    Ok(())
}

/// A tool the book is built with, pinned to one version.
pub(crate) struct Tool {
    /// The executable, and the crate that provides it.
    pub(crate) binary: &'static str,
    pub(crate) version: &'static str,
    /// An environment variable that points at a copy to use instead.
    pub(crate) env: &'static str,
}

/// mdBook itself.
pub(crate) const MDBOOK: Tool = Tool {
    binary: "mdbook",
    version: MDBOOK_VERSION,
    env: "MDBOOK",
};

/// The math preprocessor of the flagship book: renders `$…$` to MathML at build time, so
/// pages need no script, stylesheet or font from elsewhere.
pub(crate) const KATEX: Tool = Tool {
    binary: "mdbook-katex",
    version: "0.10.0",
    env: "MDBOOK_KATEX",
};

/// The tool's environment variable if set; else the binary on `PATH` if it is the pinned
/// version; else the copy this task installed before; else `cargo install` it (once per
/// machine, a few minutes) into a per-user cache, never over a user's own copy.
/// The pinned `tool` if it is installed: `$MDBOOK`/`$MDBOOK_KATEX`, the right version on
/// `PATH`, or the per-user cache.
pub(crate) fn find(tool: &Tool) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(tool.env) {
        return Some(PathBuf::from(path));
    }
    if version_of(Path::new(tool.binary)).as_deref() == Some(tool.version) {
        return Some(PathBuf::from(tool.binary));
    }
    let bin = cached(tool);
    (version_of(&bin).as_deref() == Some(tool.version)).then_some(bin)
}

fn cached(tool: &Tool) -> PathBuf {
    cache_dir()
        .join(format!("{}-{}", tool.binary, tool.version))
        .join("bin")
        .join(format!("{}{}", tool.binary, std::env::consts::EXE_SUFFIX))
}

pub(crate) fn find_or_install(tool: &Tool) -> Result<PathBuf, String> {
    if let Some(path) = find(tool) {
        return Ok(path);
    }
    // Two provisioning runs at once (two terminals, a test and a build) wait for each other
    // instead of both compiling into the same folder.
    std::fs::create_dir_all(cache_dir()).map_err(|e| e.to_string())?;
    let lock = std::fs::File::create(cache_dir().join(".install.lock"))
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| format!("cannot lock {}: {e}", cache_dir().display()))?;
    if let Some(path) = find(tool) {
        return Ok(path);
    }
    let cache = cache_dir().join(format!("{}-{}", tool.binary, tool.version));
    let bin = cached(tool);
    eprintln!(
        "xtask: installing {} {} into {} (once per machine)",
        tool.binary,
        tool.version,
        cache.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut install = Command::new(cargo);
    install
        .args([
            "install",
            tool.binary,
            "--locked",
            "--version",
            tool.version,
        ])
        .arg("--root")
        .arg(&cache);
    status(&mut install, &format!("cargo install {}", tool.binary))?;
    drop(lock);
    Ok(bin)
}

/// Debian's Chromium for the browser tests, installed with apt when missing and the session
/// may (root, apt present); otherwise a sentence saying how.
pub(crate) fn chromium() -> Result<PathBuf, String> {
    let found = || {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    };
    if let Some(path) = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(found)
    {
        return Ok(path);
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return Err("the browser tests need Debian's chromium: install it with \
                    `sudo apt-get install chromium`, or set CHROMIUM=/path/to/chromium"
            .to_owned());
    }
    eprintln!("xtask: installing Debian's chromium with apt (once per machine)");
    let mut apt = Command::new("sh");
    apt.args([
        "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null",
    ]);
    status(&mut apt, "apt-get install chromium")?;
    found().ok_or_else(|| "apt-get installed no /usr/bin/chromium".to_owned())
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
