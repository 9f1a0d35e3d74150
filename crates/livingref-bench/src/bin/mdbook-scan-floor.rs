//! A second floor: the protocol plus one Markdown scan per chapter, the part of every
//! plugin's cost that no matching algorithm can remove.

fn main() -> std::process::ExitCode {
    livingref_core::protocol::main(livingref_bench::ScanOnly)
}
