//! `cargo xtask …`: the project's automation, in Rust so a fresh machine needs only cargo.
//!
//! * `cargo xtask book`  — build the flagship book into `target/book/`
//! * `cargo xtask serve` — serve it on <http://localhost:3000> and rebuild on change
//! * `cargo xtask mdbook -- ARGS` — run the pinned mdBook with any arguments
//! * `cargo xtask tool-path mdbook|mdbook-katex` — print the pinned tool's path, installing it
//!   first if needed (the test suite uses this)

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
            tool.and_then(mdbook::find_or_install)
                .map(|path| println!("{}", path.display()))
        }
        _ => Err("usage: cargo xtask book | serve | mdbook -- ARGS | tool-path TOOL".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
