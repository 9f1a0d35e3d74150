//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and every input that once broke
//! an invariant (`fuzz/regressions/<target>/`, never minimized away) through the same target
//! bodies `cargo fuzz` runs, so every input that ever mattered is checked on every `cargo test`.

use std::path::Path;

#[test]
fn every_committed_input_still_holds_every_invariant() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for (name, target) in livingref_fuzz::TARGETS {
        let mut inputs = files(&fuzz.join("corpus").join(name));
        inputs.extend(files(&fuzz.join("regressions").join(name)));
        assert!(
            inputs.len() >= 5,
            "{name}: the corpus has only {} inputs",
            inputs.len()
        );
        for input in inputs {
            let data = std::fs::read(&input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
            if let Err(panic) = std::panic::catch_unwind(|| target(&data)) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!("{name}: {} breaks an invariant: {message}", input.display());
            }
        }
    }
}

/// The files in `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|entry| {
            entry
                .map(|e| e.path())
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        })
        .collect();
    out.sort();
    out
}
