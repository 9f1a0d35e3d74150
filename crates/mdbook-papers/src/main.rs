//! The `mdbook-papers` binary: mdBook runs it as `[preprocessor.papers]`. All logic is in the library.

fn main() -> std::process::ExitCode {
    livingref_core::protocol::main(mdbook_papers::Papers)
}
