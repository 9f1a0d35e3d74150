//! The `mdbook-hypotheses` binary: mdBook runs it as `[preprocessor.hypotheses]`. All logic is in the library.

fn main() -> std::process::ExitCode {
    livingref_core::protocol::main(mdbook_hypotheses::Hypotheses)
}
