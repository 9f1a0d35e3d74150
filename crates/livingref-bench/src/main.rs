//! `cargo run --release -p livingref-bench`: times the plugins against the identity floor on
//! generated books and writes BENCHMARKS.md. Runs are interleaved (identity, plugin,
//! identity, …) so machine noise hits both alike; medians and ratios are reported.

mod measure;

fn main() -> std::process::ExitCode {
    match measure::run(std::env::args().skip(1).collect()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("livingref-bench: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
