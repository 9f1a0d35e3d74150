//! Generating inputs, timing the binaries, and writing the report.

use livingref_bench::{Spec, generate, write_book};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const fn book(mb: usize, terms: usize, papers: usize, cards: usize) -> Spec {
    Spec {
        bytes: mb << 20,
        chapters: mb * 10,
        terms,
        link_all: false,
        papers,
        cards,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Plugin {
    Terms,
    Papers,
    Hypotheses,
}

impl Plugin {
    fn name(self) -> &'static str {
        match self {
            Plugin::Terms => "terms",
            Plugin::Papers => "papers",
            Plugin::Hypotheses => "hypotheses",
        }
    }
}

struct Case {
    plugin: Plugin,
    label: &'static str,
    spec: Spec,
    /// `LIVINGREF_THREADS` for the plugin and the floors; `None`: every core.
    threads: Option<usize>,
}

const fn case(plugin: Plugin, label: &'static str, spec: Spec) -> Case {
    Case {
        plugin,
        label,
        spec,
        threads: None,
    }
}

/// The same case with `LIVINGREF_THREADS=1`, to show what the cores buy.
const fn one_thread(c: Case) -> Case {
    Case {
        threads: Some(1),
        ..c
    }
}

/// Scaling in book size at a fixed glossary (2, 20, 200 MB), in glossary size at a fixed book
/// (100, 1,000, 10,000 terms), the papers plugin on a large bibliography, the hypotheses
/// plugin with a thousand cards and with none, and single-threaded runs for comparison.
const CASES: &[Case] = &[
    case(Plugin::Terms, "2 MB, 1,000 terms", book(2, 1_000, 0, 0)),
    case(Plugin::Terms, "20 MB, 100 terms", book(20, 100, 0, 0)),
    case(Plugin::Terms, "20 MB, 1,000 terms", book(20, 1_000, 0, 0)),
    case(Plugin::Terms, "20 MB, 10,000 terms", book(20, 10_000, 0, 0)),
    case(Plugin::Terms, "200 MB, 1,000 terms", book(200, 1_000, 0, 0)),
    case(
        Plugin::Terms,
        "20 MB, 1,000 terms, `link = \"all\"`",
        Spec {
            link_all: true,
            ..book(20, 1_000, 0, 0)
        },
    ),
    one_thread(case(
        Plugin::Terms,
        "20 MB, 1,000 terms, one thread",
        book(20, 1_000, 0, 0),
    )),
    case(Plugin::Papers, "2 MB, 1,000 entries", book(2, 0, 1_000, 0)),
    case(
        Plugin::Papers,
        "20 MB, 10,000 entries",
        book(20, 0, 10_000, 0),
    ),
    one_thread(case(
        Plugin::Papers,
        "20 MB, 10,000 entries, one thread",
        book(20, 0, 10_000, 0),
    )),
    case(Plugin::Hypotheses, "20 MB, 1,000 cards", book(20, 0, 0, 5)),
    // A book that uses papers but no cards: hypotheses should cost what a pass-through does.
    case(
        Plugin::Hypotheses,
        "20 MB, no cards, 10,000 entries",
        book(20, 0, 10_000, 0),
    ),
];

/// The whole book through `mdbook build`: all three plugins against plain mdBook.
const FULL_BUILD: Spec = book(20, 1_000, 10_000, 5);

struct Binaries {
    /// This harness itself, freshly built, for the measuring wrapper.
    harness: PathBuf,
    identity: PathBuf,
    /// A pass-through preprocessor written the usual way (`mdbook-identity-usual`).
    usual: PathBuf,
    scan: PathBuf,
    terms: PathBuf,
    papers: PathBuf,
    hypotheses: PathBuf,
}

/// One run: wall time and the process's peak resident memory.
#[derive(Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) time: Duration,
    pub(crate) peak_kb: u64,
}

pub(crate) struct Row {
    pub(crate) plugin: &'static str,
    pub(crate) label: &'static str,
    pub(crate) json_mb: f64,
    pub(crate) identity: Sample,
    pub(crate) usual: Sample,
    pub(crate) scan: Sample,
    pub(crate) plugin_run: Sample,
}

pub(crate) fn run(args: Vec<String>) -> Result<(), String> {
    let rounds: usize = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args
            .get(i + 1)
            .and_then(|r| r.parse().ok())
            .ok_or("--rounds takes a number")?,
        None => 5,
    };
    // `--only terms`: that plugin's rows, printed and not written to BENCHMARKS.md, for
    // checking one change quickly.
    let only: Option<&str> = match args.iter().position(|a| a == "--only") {
        Some(i) => Some(args.get(i + 1).ok_or("--only takes a plugin name")?),
        None => None,
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .ok_or("no repository root")?
        .to_path_buf();
    let bins = build_binaries(&root)?;
    let mut rows = Vec::new();
    for c in CASES
        .iter()
        .filter(|c| only.is_none_or(|name| c.plugin.name() == name))
    {
        let spec = c.spec;
        let dir = root.join("target/bench").join(format!(
            "{}-{}mb-{}t-{}p-{}c-{}",
            c.plugin.name(),
            spec.bytes >> 20,
            spec.terms,
            spec.papers,
            spec.cards,
            spec.link_all
        ));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let input = dir.join("input.json");
        let json = generate(spec, &dir).map_err(|e| e.to_string())?;
        std::fs::write(&input, &json).map_err(|e| e.to_string())?;
        let json_mb = json.len() as f64 / f64::from(1 << 20);
        drop(json);
        let bin = match c.plugin {
            Plugin::Terms => &bins.terms,
            Plugin::Papers => &bins.papers,
            Plugin::Hypotheses => &bins.hypotheses,
        };
        let (mut identity, mut usual, mut scan, mut times) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            identity.push(pipe(&bins, &bins.identity, &input, c.threads)?);
            usual.push(pipe(&bins, &bins.usual, &input, c.threads)?);
            scan.push(pipe(&bins, &bins.scan, &input, c.threads)?);
            times.push(pipe(&bins, bin, &input, c.threads)?);
        }
        let row = Row {
            plugin: c.plugin.name(),
            label: c.label,
            json_mb,
            identity: median(&mut identity),
            usual: median(&mut usual),
            scan: median(&mut scan),
            plugin_run: median(&mut times),
        };
        eprintln!(
            "mdbook-{}, {}: identity {:.3} s, scan floor {:.3} s, plugin {:.3} s ({} MB)",
            row.plugin,
            row.label,
            row.identity.time.as_secs_f64(),
            row.scan.time.as_secs_f64(),
            row.plugin_run.time.as_secs_f64(),
            row.plugin_run.peak_kb / 1024
        );
        rows.push(row);
    }
    if only.is_some() {
        return Ok(());
    }
    let full = full_build(&root, &bins, rounds)?;
    crate::report::write(&root.join("BENCHMARKS.md"), rounds, &rows, &full)
}

/// Plain mdBook and mdBook with the three plugins, on the same generated sources.
pub(crate) struct FullBuild {
    pub(crate) markdown_mb: f64,
    /// The same sources after the three plugins (the prebaked book).
    pub(crate) prebaked_mb: f64,
    pub(crate) rounds: usize,
    pub(crate) plain: Sample,
    /// mdBook running three preprocessors that change nothing (`mdbook-identity`): what
    /// mdBook's side of the protocol costs.
    pub(crate) identities: Sample,
    /// The same with pass-through preprocessors written the usual way.
    pub(crate) usuals: Sample,
    /// Plain mdBook on the Markdown the three plugins produce, saved as sources: what
    /// rendering the plugins' extra content costs, without running them.
    pub(crate) prebaked: Sample,
    pub(crate) with_plugins: Sample,
}

fn full_build(root: &Path, bins: &Binaries, rounds: usize) -> Result<FullBuild, String> {
    let mdbook = mdbook_path(root)?;
    let base = root.join("target/bench/full-build");
    let (plain, full) = (base.join("plain"), base.join("with-plugins"));
    let prebaked = base.join("prebaked");
    let identities = base.join("identities");
    let usuals = base.join("usuals");
    let _ = std::fs::remove_dir_all(&base);
    write_book(
        FULL_BUILD,
        &identities,
        Some([&bins.identity, &bins.identity, &bins.identity]),
    )
    .map_err(|e| e.to_string())?;
    write_book(
        FULL_BUILD,
        &usuals,
        Some([&bins.usual, &bins.usual, &bins.usual]),
    )
    .map_err(|e| e.to_string())?;
    write_book(FULL_BUILD, &plain, None).map_err(|e| e.to_string())?;
    write_book(FULL_BUILD, &prebaked, None).map_err(|e| e.to_string())?;
    prebake(bins, &prebaked)?;
    write_book(
        FULL_BUILD,
        &full,
        Some([&bins.hypotheses, &bins.papers, &bins.terms]),
    )
    .map_err(|e| e.to_string())?;
    let markdown_mb = dir_size(&plain.join("src")) as f64 / f64::from(1 << 20);
    let prebaked_mb = dir_size(&prebaked.join("src")) as f64 / f64::from(1 << 20);
    let build = |dir: &Path| -> Result<Sample, String> {
        let mut wrapper = wrapper(&bins.harness);
        wrapper.arg(&mdbook).arg("build").arg(dir);
        let what = format!("mdbook build {}", dir.display());
        parse_report(&run_wrapper(wrapper, &what)?, &what)
    };
    let (mut a, mut i, mut u, mut b, mut c) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(build(&plain)?);
        i.push(build(&identities)?);
        u.push(build(&usuals)?);
        b.push(build(&prebaked)?);
        c.push(build(&full)?);
    }
    let result = FullBuild {
        markdown_mb,
        prebaked_mb,
        rounds,
        plain: median(&mut a),
        identities: median(&mut i),
        usuals: median(&mut u),
        prebaked: median(&mut b),
        with_plugins: median(&mut c),
    };
    eprintln!(
        "mdbook build, {markdown_mb:.0} MB: plain {:.2} s, prebaked {:.2} s, with the three plugins {:.2} s",
        result.plain.time.as_secs_f64(),
        result.prebaked.time.as_secs_f64(),
        result.with_plugins.time.as_secs_f64()
    );
    Ok(result)
}

/// Runs the book in `dir` through hypotheses → papers → terms over the JSON protocol, as
/// mdBook would, and saves each chapter's result as its source.
fn prebake(bins: &Binaries, dir: &Path) -> Result<(), String> {
    let mut json = generate(FULL_BUILD, dir).map_err(|e| e.to_string())?;
    let context = serde_json::from_str::<(serde_json::Value, serde_json::Value)>(&json)
        .map_err(|e| e.to_string())?
        .0;
    for bin in [&bins.hypotheses, &bins.papers, &bins.terms] {
        let mut child = Command::new(bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        let input = std::mem::take(&mut json);
        let writer =
            std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        let _ = writer.join();
        if !out.status.success() {
            return Err(format!("{} failed while prebaking", bin.display()));
        }
        let book: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        json = serde_json::to_string(&(&context, book)).map_err(|e| e.to_string())?;
    }
    let (_, book): (serde_json::Value, serde_json::Value) =
        serde_json::from_str(&json).map_err(|e| e.to_string())?;
    for item in book["items"].as_array().into_iter().flatten() {
        let chapter = &item["Chapter"];
        if let (Some(path), Some(content)) = (chapter["path"].as_str(), chapter["content"].as_str())
        {
            std::fs::write(dir.join("src").join(path), content).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The pinned mdBook: `$MDBOOK`, else the one `cargo xtask` installs.
fn mdbook_path(root: &Path) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MDBOOK") {
        return Ok(path.into());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "-p", "xtask", "--", "tool-path", "mdbook"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err("cannot find or install mdBook (`cargo xtask tool-path mdbook`)".into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().into())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn build_binaries(root: &Path) -> Result<Binaries, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bins"])
        .args([
            "-p",
            "mdbook-terms",
            "-p",
            "mdbook-papers",
            "-p",
            "mdbook-hypotheses",
            "-p",
            "livingref-bench",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("building the release binaries failed".into());
    }
    let dir = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .parent()
        .ok_or("no exe dir")?
        .to_path_buf();
    Ok(Binaries {
        harness: dir.join("livingref-bench"),
        identity: dir.join("mdbook-identity"),
        usual: dir.join("mdbook-identity-usual"),
        scan: dir.join("mdbook-scan-floor"),
        terms: dir.join("mdbook-terms"),
        papers: dir.join("mdbook-papers"),
        hypotheses: dir.join("mdbook-hypotheses"),
    })
}

/// One preprocessor run with `input` on stdin; output is discarded, failure is an error.
fn pipe(
    bins: &Binaries,
    bin: &Path,
    input: &Path,
    threads: Option<usize>,
) -> Result<Sample, String> {
    let mut wrapper = wrapper(&bins.harness);
    wrapper.arg("--stdin").arg(input).arg(bin);
    if let Some(n) = threads {
        wrapper.env("LIVINGREF_THREADS", n.to_string());
    }
    parse_report(
        &run_wrapper(
            wrapper,
            &format!("{} on {}", bin.display(), input.display()),
        )?,
        "a run",
    )
}

/// This same binary as a wrapper ([`peak_of`]) that times a program and reads its peak
/// memory: a process can learn the peak RSS of its waited-for children
/// (`getrusage(RUSAGE_CHILDREN)`), so a wrapper with one child learns exactly that child's
/// (for `mdbook build`, the largest of mdBook and the preprocessors it ran).
fn wrapper(harness: &Path) -> Command {
    let mut wrapper = Command::new(harness);
    wrapper
        .arg(PEAK_OF)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    wrapper
}

fn run_wrapper(mut wrapper: Command, what: &str) -> Result<String, String> {
    let out = wrapper.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{what} failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stderr).into_owned())
}

fn parse_report(report: &str, what: &str) -> Result<Sample, String> {
    let mut words = report.split_whitespace();
    let nanos = words.next().and_then(|w| w.parse::<u64>().ok());
    let peak_kb = words.next().and_then(|w| w.parse::<u64>().ok());
    match (nanos, peak_kb) {
        (Some(nanos), Some(peak_kb)) => Ok(Sample {
            time: Duration::from_nanos(nanos),
            peak_kb,
        }),
        _ => Err(format!("{what}: no measurement in `{}`", report.trim())),
    }
}

/// The wrapper's flag: `livingref-bench --peak-of [--stdin FILE] PROGRAM ARGS…`.
pub(crate) const PEAK_OF: &str = "--peak-of";

/// The wrapper: runs the program (stdin from `--stdin FILE`, output discarded) and prints
/// `NANOSECONDS PEAK_KB` on stderr; exits 1 if the program failed.
pub(crate) fn peak_of(mut args: Vec<String>) -> Result<(), String> {
    let stdin = if args.first().is_some_and(|a| a == "--stdin") && args.len() > 2 {
        let file = args.remove(1);
        args.remove(0);
        Stdio::from(File::open(&file).map_err(|e| format!("{file}: {e}"))?)
    } else {
        Stdio::null()
    };
    let (program, rest) = args.split_first().ok_or("--peak-of needs a program")?;
    let start = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    let nanos = start.elapsed().as_nanos();
    if !status.success() {
        return Err(format!("{program} failed ({status})"));
    }
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_err(|e| e.to_string())?;
    // Linux reports the peak resident set in kilobytes.
    eprintln!("{nanos} {}", usage.max_rss());
    Ok(())
}

/// The median run by time (with that run's memory).
fn median(samples: &mut [Sample]) -> Sample {
    samples.sort_by_key(|s| s.time);
    samples[samples.len() / 2]
}
