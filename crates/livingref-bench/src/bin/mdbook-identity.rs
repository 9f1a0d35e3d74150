//! The floor every plugin is measured against: mdBook's JSON in, the same book out, through
//! the same protocol code (version gate, settings, serialization) and nothing else.

fn main() -> std::process::ExitCode {
    livingref_core::protocol::main(livingref_bench::Identity)
}
