//! BENCHMARKS.md: the measured rows, the targets judged against them, and the
//! explanations, each computed from this run so the prose cannot drift from the figures.

use crate::measure::{FullBuild, Row};
use std::fmt::Write as _;
use std::path::Path;

/// The targets: each plugin against identity, and the whole build against plain mdBook.
const PLUGIN_TARGET: f64 = 1.5;
const BUILD_TARGET: f64 = 1.10;

/// The rows the plugin targets are judged on.
const TARGET_ROWS: [(&str, &str); 3] = [
    ("terms", "20 MB, 1,000 terms"),
    ("papers", "20 MB, 10,000 entries"),
    ("hypotheses", "20 MB, 1,000 cards"),
];

pub(crate) fn write(
    path: &Path,
    rounds: usize,
    rows: &[Row],
    full: &FullBuild,
) -> Result<(), String> {
    let mut out = String::from("# Benchmarks\n\n");
    intro(&mut out, rounds);
    plugin_table(&mut out, rows);
    targets(&mut out, rows, full);
    whole_build(&mut out, full);
    reading(&mut out, rows, full);
    std::fs::write(path, out).map_err(|e| e.to_string())
}

fn secs(s: &crate::measure::Sample) -> f64 {
    s.time.as_secs_f64()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mem_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / f64::from(1 << 20));
    format!("{cpu}, {cores} cores, {mem_gb:.0} GB RAM")
}

fn intro(out: &mut String, rounds: usize) {
    let _ = writeln!(
        out,
        "Measured with `cargo run --release -p livingref-bench` on {}. Every figure is the \
         median of {rounds} interleaved runs (identity, usual pass-through, scan floor, plugin, \
         identity, …), so machine noise hits them alike. Each run pipes a generated book's \
         `[context, book]` JSON from a file into the binary and discards its output; memory is \
         the process's peak resident set (`getrusage`).\n\n\
         - **identity** (`mdbook-identity`) reads and re-writes the book through the plugins' \
         own protocol code (`livingref_core::protocol`) and does nothing else: the floor, what \
         being a preprocessor costs at all.\n\
         - **usual pass-through** (`mdbook-identity-usual`) does the same the way most mdBook \
         preprocessors do, after mdBook's guide: `mdbook_preprocessor::parse_input(stdin)` and \
         `serde_json::to_writer(stdout, &book)`. It is not a floor; it shows what the protocol \
         code saves.\n\
         - **scan floor** (`mdbook-scan-floor`) is identity plus one parse of every chapter with \
         the shared Markdown scanner (pulldown-cmark with mdBook's options, plus math and \
         directive detection), on every core as the plugins do: the least a plugin that must \
         find prose can do.\n\n\
         The generated books mix English and Russian prose (about one word in twelve a glossary \
         term, in inflected forms, each chapter drawing on 40 terms), code, tables, math, links \
         and admonitions. With a bibliography, every third block cites two entries in pandoc \
         syntax, chapters hold recent-papers sections, and a bibliography page lists every \
         entry (so chapters' reference lists are the compact ones that link there). With cards, \
         each chapter declares hypothesis cards and a last chapter holds their summary table. \
         Plugins use their default settings and every core unless the row says otherwise.\n",
        machine()
    );
}

fn plugin_table(out: &mut String, rows: &[Row]) {
    out.push_str(
        "| Plugin | Book | JSON in | identity | usual pass-through | scan floor | plugin | \
         ÷ identity | ÷ scan floor | throughput | memory (identity → plugin) |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let (id, usual, sc, t) = (
            secs(&r.identity),
            secs(&r.usual),
            secs(&r.scan),
            secs(&r.plugin_run),
        );
        let _ = writeln!(
            out,
            "| mdbook-{} | {} | {:.1} MB | {id:.3} s | {usual:.3} s | {sc:.3} s | {t:.3} s | \
             {:.1}× | {:.1}× | {:.0} MB/s | {:.0} → {:.0} MB |",
            r.plugin,
            r.label,
            r.json_mb,
            t / id,
            t / sc,
            r.json_mb / t,
            mb(r.identity.peak_kb),
            mb(r.plugin_run.peak_kb),
        );
    }
}

fn targets(out: &mut String, rows: &[Row], full: &FullBuild) {
    out.push_str("\n## Targets (issue #7)\n\n");
    for (plugin, label) in TARGET_ROWS {
        let Some(r) = rows.iter().find(|r| r.plugin == plugin && r.label == label) else {
            continue;
        };
        let ratio = secs(&r.plugin_run) / secs(&r.identity);
        let _ = writeln!(
            out,
            "- mdbook-{plugin} ≤ {PLUGIN_TARGET}× identity on {label}: **{}** ({ratio:.2}×; the \
             scan floor alone is {:.2}× identity, and the plugin is {:.2}× the scan floor and \
             {:.2}× the usual pass-through).",
            verdict(ratio <= PLUGIN_TARGET),
            secs(&r.scan) / secs(&r.identity),
            secs(&r.plugin_run) / secs(&r.scan),
            secs(&r.plugin_run) / secs(&r.usual),
        );
    }
    let plain = secs(&full.plain);
    let ratio = secs(&full.with_plugins) / plain;
    let _ = writeln!(
        out,
        "- full `mdbook build` ≤ {BUILD_TARGET:.2}× plain mdBook: **{}** ({ratio:.2}×; three \
         preprocessors that change nothing already cost {:.2}×, rendering what the plugins add \
         costs {:.2}× without running them, and running them costs {:.2}× that).",
        verdict(ratio <= BUILD_TARGET),
        secs(&full.identities) / plain,
        secs(&full.prebaked) / plain,
        secs(&full.with_plugins) / secs(&full.prebaked),
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "not met" }
}

fn whole_build(out: &mut String, full: &FullBuild) {
    let plain = secs(&full.plain);
    let row = |out: &mut String, what: &str, s: &crate::measure::Sample| {
        let _ = writeln!(
            out,
            "| {what} | {:.2} s | {:.2}× | {:.0} MB |",
            secs(s),
            secs(s) / plain,
            mb(s.peak_kb)
        );
    };
    let _ = writeln!(
        out,
        "\n## The whole build\n\n\
         `mdbook build` (mdBook 0.5.4, HTML renderer with search) of one generated book of \
         {:.0} MB of Markdown (1,000 glossary terms, 10,000 BibTeX entries, 1,000 hypothesis \
         cards), median of {} runs each: with no preprocessors of ours, with three that pass the \
         book through, on the plugins' output saved as sources ({:.0} MB), and with hypotheses → \
         papers → terms run by their `command` as in the flagship's `book.toml`. Memory is the \
         largest peak of mdBook and the preprocessors it ran.\n\n\
         | Build | time | ÷ plain | peak memory |\n|---|---|---|---|",
        full.markdown_mb, full.rounds, full.prebaked_mb,
    );
    row(out, "plain mdBook", &full.plain);
    row(
        out,
        "mdBook with three identity preprocessors",
        &full.identities,
    );
    row(
        out,
        "mdBook with three usual pass-through preprocessors",
        &full.usuals,
    );
    row(
        out,
        "plain mdBook on the plugins' output, saved as sources",
        &full.prebaked,
    );
    row(out, "with the three plugins", &full.with_plugins);
}

fn reading(out: &mut String, rows: &[Row], full: &FullBuild) {
    let twenty: Vec<&Row> = rows
        .iter()
        .filter(|r| r.label.starts_with("20 MB") && !r.label.contains("one thread"))
        .collect();
    let range = |f: &dyn Fn(&Row) -> f64| {
        let values: Vec<f64> = twenty.iter().map(|r| f(r)).collect();
        (
            values.iter().copied().fold(f64::INFINITY, f64::min),
            values.iter().copied().fold(0.0, f64::max),
        )
    };
    let (floor_lo, floor_hi) = range(&|r| secs(&r.scan) / secs(&r.identity));
    let (usual_lo, usual_hi) = range(&|r| secs(&r.usual) / secs(&r.identity));
    let plain = secs(&full.plain);
    let identities = secs(&full.identities) / plain;
    let usuals = secs(&full.usuals) / plain;
    let _ = write!(
        out,
        "\n## Reading the numbers\n\n\
         Read the terms rows in two directions: down the 20 MB rows, time should stay nearly \
         flat as the glossary grows from 100 to 10,000 terms (one automaton walk per word \
         start, whatever the number of terms; what grows is reading the glossary and building \
         the automaton, once per run); from 2 to 20 to 200 MB, it should grow linearly with the \
         book.\n\n\
         The floor is low because the protocol code is: on these books the usual pass-through \
         takes {usual_lo:.1}–{usual_hi:.1}× as long as identity (serde_json then reads stdin one \
         byte per call, each taking stdin's lock, and writes through stdout's 1 KiB line \
         buffer). Every livingref plugin pays identity's cost, not that one. The flip side: \
         every gain in the shared protocol code makes identity faster and so raises every \
         ratio below, though each plugin got faster by the same absolute amount.\n\n\
         Why the {PLUGIN_TARGET}× targets are out of reach as stated: a plugin must parse the \
         Markdown it edits, and that parse alone (the scan floor, already spread over the \
         cores) costs {floor_lo:.1}–{floor_hi:.1}× identity on the 20 MB books. What a plugin \
         adds beyond it is its own work: matching, and the glossary page (terms); parsing and \
         resolving 10,000 BibTeX entries with `biblatex` and writing reference lists and a \
         10,000-entry bibliography page (papers); reading TOML and rendering cards \
         (hypotheses, which parses only chapters that can hold a card or a table, here all of \
         them). The one-thread rows show what the cores buy.\n\n\
         Why the whole-build target is out of reach as stated: mdBook writes the whole book as \
         JSON into each preprocessor's stdin and parses its answer. Three preprocessors that \
         change nothing already cost {identities:.2}× a plain build of this book \
         ({usuals:.2}× when written the usual way), before any plugin does any work. The \
         plugins then make the book {growth:.1}× larger (reference lists, a bibliography page, \
         citations and term links with previews, cards and their table, the glossary's \
         backlinks): the prebaked row is what rendering that larger book costs by itself, and \
         the gap between the last two rows is the plugins' run time plus mdBook handing the \
         larger book on from one preprocessor to the next.\n",
        growth = full.prebaked_mb / full.markdown_mb,
    );
}
