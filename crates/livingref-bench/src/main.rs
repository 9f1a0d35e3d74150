//! `cargo run --release -p livingref-bench`: times the plugins against the identity floor on
//! generated books and writes BENCHMARKS.md. Runs are interleaved (identity, plugin,
//! identity, …) so machine noise hits both alike; medians and ratios are reported.

mod measure;
mod report;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.split_first() {
        Some((flag, rest)) if flag == measure::PEAK_OF => measure::peak_of(rest.to_vec()),
        _ => measure::run(args),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("livingref-bench: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
