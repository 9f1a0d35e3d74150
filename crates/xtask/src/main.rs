//! `cargo xtask …`: the project's automation, in Rust so a fresh machine needs only cargo.
//!
//! * `cargo xtask book`  — build the flagship book into `target/book/`
//! * `cargo xtask serve` — serve it on <http://localhost:3000> and rebuild on change
//! * `cargo xtask mdbook -- ARGS` — run the pinned mdBook with any arguments
//! * `cargo xtask provision` — install what the test suite needs and a fresh machine lacks:
//!   the pinned mdBook and mdbook-katex (into a per-user cache) and Debian's chromium. Safe to
//!   run again; two runs at once wait for each other.
//! * `cargo xtask test [ARGS]` — `provision`, then `cargo test --workspace ARGS`: the README's
//!   test command. Tests themselves never install anything.
//! * `cargo xtask tool-path mdbook|mdbook-katex` — print the pinned tool's path if it is
//!   installed (the test suite asks this; it fails with a hint to provision otherwise)

mod mdbook;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("book") => mdbook::run(&["build"]),
        Some("serve") => mdbook::run(&["serve"]),
        Some("mdbook") => mdbook::run(
            &args[1..]
                .iter()
                .filter(|a| *a != "--")
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
        Some("tool-path") => {
            let tool = match args.get(1).map(String::as_str) {
                Some("mdbook") => Ok(&mdbook::MDBOOK),
                Some("mdbook-katex") => Ok(&mdbook::KATEX),
                _ => Err("usage: cargo xtask tool-path mdbook|mdbook-katex".to_owned()),
            };
            tool.and_then(|t| {
                mdbook::find(t).ok_or_else(|| {
                    format!(
                        "{} {} is not installed: run `cargo xtask provision` (the README's \
                         `cargo xtask test` runs it first)",
                        t.binary, t.version
                    )
                })
            })
            .map(|path| println!("{}", path.display()))
        }
        Some("provision") => provision(),
        Some("test") => provision().and_then(|()| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut test = std::process::Command::new(cargo);
            test.args(["test", "--workspace"]).args(&args[1..]);
            match test.status() {
                Ok(s) if s.success() => Ok(()),
                Ok(_) => Err("the test suite failed".to_owned()),
                Err(e) => Err(format!("cannot run cargo test: {e}")),
            }
        }),
        _ => Err(
            "usage: cargo xtask book | serve | test | provision | mdbook -- ARGS | tool-path TOOL"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Everything the test suite needs beyond Rust, installed if missing.
fn provision() -> Result<(), String> {
    mdbook::find_or_install(&mdbook::MDBOOK)?;
    mdbook::find_or_install(&mdbook::KATEX)?;
    mdbook::chromium()?;
    Ok(())
}
