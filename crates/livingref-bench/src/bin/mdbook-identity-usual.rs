//! A pass-through preprocessor written the way most are, after mdBook's own guide:
//! `mdbook_preprocessor::parse_input(stdin)`, then `serde_json::to_writer(stdout, &book)`.
//! It shows what a typical preprocessor's protocol costs mdBook, next to `mdbook-identity`,
//! which goes through livingref's batched reader and one-pass parser.

use livingref_core::mdbook_preprocessor;
use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return ExitCode::SUCCESS;
    }
    let run = || -> Result<(), String> {
        let (_ctx, book) =
            mdbook_preprocessor::parse_input(std::io::stdin()).map_err(|e| format!("{e:#}"))?;
        serde_json::to_writer(std::io::stdout(), &book).map_err(|e| e.to_string())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mdbook-identity-usual: {message}");
            ExitCode::FAILURE
        }
    }
}
