//! The `mdbook-terms` binary: mdBook runs it as `[preprocessor.terms]`. All logic is in the library.

fn main() -> std::process::ExitCode {
    livingref_core::protocol::main(mdbook_terms::Terms)
}
