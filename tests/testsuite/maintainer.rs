//! The maintainer's commands, run as the compiled binaries: `mdbook-papers add` (dedupe rules,
//! key scheme, arXiv normalization, byte-preserving append, `--update`, `--dry-run`) and
//! `check` for every plugin, with its exit codes and JSON output.

use crate::support::{copy_fixture, rewrite, run_binary};
use std::path::Path;

/// `mdbook-papers add --book DIR ARGS…` with `stdin`: (exit code, stdout, stderr).
fn add(book: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let book = book.to_str().unwrap();
    let mut all = vec!["add", "--book", book];
    all.extend_from_slice(args);
    run_binary("mdbook-papers", &all, stdin)
}

fn refs(book: &Path) -> String {
    std::fs::read_to_string(book.join("refs.bib")).unwrap()
}

const ARXIV_EXPORT: &str = "@misc{marks2024sparse,
      title={Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs in Language Models},
      author={Samuel Marks and Can Rager and Eric J. Michaud and others},
      year={2024},
      eprint={2403.19647v3},
      archivePrefix={arXiv},
      primaryClass={cs.LG},
      url={https://arxiv.org/abs/2403.19647v3},
}";

#[test]
fn an_arxiv_export_is_appended_in_house_style_and_the_rest_of_the_file_is_untouched() {
    let dir = copy_fixture("maintainer");
    let before = refs(dir.path());
    let (code, _, stderr) = add(dir.path(), &["--keywords", "circuits"], ARXIV_EXPORT);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("added `marks2024sparse` to refs.bib"),
        "{stderr}"
    );
    let after = refs(dir.path());
    assert!(after.starts_with(&before), "existing bytes changed");
    assert_eq!(
        &after[before.len()..],
        "\n@misc{marks2024sparse,
  author        = {Samuel Marks and Can Rager and Eric J. Michaud and others},
  title         = {Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs in Language Models},
  year          = {2024},
  eprint        = {2403.19647},
  archivePrefix = {arXiv},
  primaryClass  = {cs.LG},
  url           = {https://arxiv.org/abs/2403.19647v3},
  keywords      = {circuits}
}
"
    );
    // The new entry is a good entry: the book checks clean of parse problems.
    let (code, _, stderr) = run_binary(
        "mdbook-papers",
        &["check", "--book", dir.path().to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("`marks2024sparse` is cited nowhere"),
        "{stderr}"
    );
}

#[test]
fn each_dedupe_rule_names_the_existing_key_and_line() {
    let cases = [
        // Same key, different paper text.
        (
            "@misc{olah2020zoomin, title={Other}, year=2020}",
            "olah2020zoomin",
            "the same key",
            11,
        ),
        // DOI as a resolver URL, in another case.
        (
            "@article{x1, title={Zoom}, author={Olah, C.}, year=2020, doi={https://doi.org/10.23915/DISTILL.00024.001}}",
            "olah2020zoomin",
            "the same DOI",
            11,
        ),
        // arXiv id with a version, hidden in arXiv's DOI.
        (
            "@misc{x2, title={TMS}, author={E, N}, year=2022, doi={10.48550/arXiv.2209.10652v2}}",
            "elhage2022superposition",
            "the same arXiv id",
            2,
        ),
        // Title with other braces, case and punctuation.
        (
            "@misc{x3, title={toy models of superposition.}, author={Someone}, year=2023}",
            "elhage2022superposition",
            "the same title",
            2,
        ),
    ];
    for (input, existing, reason, line) in cases {
        let dir = copy_fixture("maintainer");
        let before = refs(dir.path());
        let (code, _, stderr) = add(dir.path(), &[], input);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stderr.contains(&format!("as `{existing}` ({reason})")),
            "{input}\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("--> refs.bib:{line}:1")),
            "{input}\n{stderr}"
        );
        assert!(stderr.contains("nothing to add"), "{stderr}");
        assert_eq!(refs(dir.path()), before, "{input}: file changed");
    }
}

#[test]
fn keys_follow_the_scheme_and_collisions_get_a_suffix() {
    let dir = copy_fixture("maintainer");
    // Same first author, year and first title word as each other, distinct papers.
    let input =
        "@article{Zotero1, author={Müller, Jörg}, title={The Geometry of Refusal}, year=2025}
@article{Zotero2, author={Müller, Anna}, title={Geometry, Again}, year=2025}
@article{Zotero3, author={van den Oord, Aäron}, title={A Study}, year=2016}";
    let (code, _, stderr) = add(dir.path(), &["--keywords", "superposition"], input);
    assert_eq!(code, 0, "{stderr}");
    for line in [
        "added `muller2025geometry` (was `Zotero1`)",
        "added `muller2025geometrya` (was `Zotero2`)",
        "added `oord2016study` (was `Zotero3`)",
    ] {
        assert!(stderr.contains(line), "{line}\n{stderr}");
    }
}

#[test]
fn update_adds_only_missing_fields_and_keeps_every_other_byte() {
    let dir = copy_fixture("maintainer");
    let before = refs(dir.path());
    let input = "@article{zoom, title={Zoom In: An Introduction to Circuits}, author={Olah, Chris},
  year={2020}, volume={5}, number={3}, journal={Distill}}";
    let (code, stdout, stderr) = add(dir.path(), &["--update"], input);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("updated `olah2020zoomin` (refs.bib:11): added volume, number"),
        "{stderr}"
    );
    let expected = before.replace(
        "  keywords = {circuits}\n}",
        "  keywords = {circuits},\n  volume = {5},\n  number = {3}\n}",
    );
    assert_eq!(refs(dir.path()), expected);
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let dir = copy_fixture("maintainer");
    let before = refs(dir.path());
    let (code, stdout, stderr) = add(
        dir.path(),
        &["--dry-run"],
        "@misc{k, author={Nanda, Neel}, title={Progress measures for grokking}, month={January}, year=2023, file={/home/me/x.pdf}}",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "@misc{nanda2023progress,
  author = {Nanda, Neel},
  title  = {Progress measures for grokking},
  year   = 2023,
  month  = jan
}

"
    );
    assert!(
        stderr.contains("would add `nanda2023progress` (was `k`)"),
        "{stderr}"
    );
    assert_eq!(refs(dir.path()), before);
}

#[test]
fn a_broken_entry_in_the_input_means_nothing_is_added() {
    let dir = copy_fixture("maintainer");
    let before = refs(dir.path());
    let input = "@misc{good, title={A good new paper}, year=2024}\n@misc{bad, title={unclosed, year=2024}\n";
    let (code, _, stderr) = add(dir.path(), &[], input);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("<stdin>:2:1"), "{stderr}");
    assert!(
        stderr.contains("nothing was added: the input has problems"),
        "{stderr}"
    );
    assert_eq!(refs(dir.path()), before);
    let (code, _, stderr) = add(dir.path(), &[], "just words, no entries");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the input holds no BibTeX entry"),
        "{stderr}"
    );
}

#[test]
fn unknown_tags_warn_with_the_nearest_known_tag() {
    let dir = copy_fixture("maintainer");
    let (code, _, stderr) = add(
        dir.path(),
        &["--keywords", "superpositon, brand-new-topic"],
        "@misc{k, author={A, B}, title={Something new}, year=2024}",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("tag `superpositon` is not a topic tag of this book"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `superposition`?"), "{stderr}");
    assert!(
        stderr.contains("tag `brand-new-topic` is not a topic tag"),
        "{stderr}"
    );
    assert!(refs(dir.path()).contains("keywords = {superpositon, brand-new-topic}"));
}

#[test]
fn crlf_files_get_crlf_lines_and_keep_their_bom() {
    let dir = copy_fixture("maintainer");
    let path = dir.path().join("refs.bib");
    let crlf = format!("\u{feff}{}", refs(dir.path()).replace('\n', "\r\n"));
    std::fs::write(&path, &crlf).unwrap();
    let (code, _, stderr) = add(
        dir.path(),
        &["--update"],
        "@misc{a, title={Toy models of superposition}, note={From the thread}}\n\
         @misc{b, author={A, B}, title={Something new}, year=2024}",
    );
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with('\u{feff}'));
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "a bare LF slipped in:\n{after:?}"
    );
    assert!(after.contains("  keywords = {superposition},\r\n  note = {From the thread}\r\n}"));
    assert!(
        after.ends_with(
            "}\r\n\r\n@misc{a2024something,\r\n  author = {A, B},\r\n  \
             title  = {Something new},\r\n  year   = 2024\r\n}\r\n"
        ),
        "{after:?}"
    );
}

#[test]
fn check_exit_codes_follow_errors_and_deny_warnings() {
    let dir = copy_fixture("maintainer");
    let book = dir.path().to_str().unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--book", book];
        args.extend_from_slice(extra);
        run_binary("mdbook-papers", &args, "")
    };
    let (code, _, stderr) = check(&[]);
    assert_eq!((code, stderr.as_str()), (0, "papers: no problems found\n"));

    // An entry without tags that nothing cites: two warnings, fatal only when denied.
    std::fs::write(
        dir.path().join("refs.bib"),
        refs(dir.path()) + "\n@misc{lonely, title={Lonely}, year=2024}\n",
    )
    .unwrap();
    let (code, _, stderr) = check(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("`lonely` has no topic tags"), "{stderr}");
    assert!(stderr.contains("`lonely` is cited nowhere"), "{stderr}");
    let (code, _, _) = check(&["--deny-warnings"]);
    assert_eq!(code, 1);

    // An undefined citation is a warning at its place in the chapter, in JSON for tools.
    rewrite(
        &dir.path().join("src/topics.md"),
        "[@olah2020zoomin]",
        "[@olah2020zoom]",
    );
    let (code, stdout, _) = check(&["--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["plugin"], "papers");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(4))
    );
    let undefined = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("`olah2020zoom`"))
        .unwrap();
    assert_eq!(undefined["severity"], "warning");
    assert_eq!(undefined["file"], "src/topics.md");
    assert_eq!(
        (undefined["line"].as_u64(), undefined["column"].as_u64()),
        (Some(3), Some(62))
    );
    assert_eq!(undefined["help"], "did you mean `olah2020zoomin`?");

    // An error (here a bad `today`) fails the check without `--deny-warnings`.
    rewrite(
        &dir.path().join("book.toml"),
        "today = \"2026-11-01\"",
        "today = \"soon\"",
    );
    let (code, _, stderr) = check(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[papers]"), "{stderr}");

    // A book that cannot be read is a usage error, not a book error.
    let (code, _, stderr) = run_binary("mdbook-papers", &["check", "--book", "/nonexistent"], "");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("pass `--book DIR`"), "{stderr}");
}

#[test]
fn check_sees_chapters_after_the_plugins_that_run_first() {
    // The flagship chains hypotheses → papers → terms: `mdbook-terms check` must see the
    // text hypothesis cards become, or it would call terms used only there "unused".
    let root = crate::support::repo_root();
    let root = root.to_str().unwrap();
    for plugin in ["mdbook-hypotheses", "mdbook-terms"] {
        let (code, _, stderr) =
            run_binary(plugin, &["check", "--book", root, "--deny-warnings"], "");
        assert_eq!(code, 0, "{plugin}: {stderr}");
    }
}

#[test]
fn arxiv_ids_in_urls_and_dois_become_eprint_fields() {
    let dir = copy_fixture("maintainer");
    for (input, eprint) in [
        (
            "@misc{s1, author={Lee, A}, title={From a URL}, year=2024, url={https://arxiv.org/pdf/2406.04093v2.pdf}}",
            "2406.04093",
        ),
        (
            "@article{s2, author={Lee, A}, title={From a DOI}, year=2024, doi={10.48550/arXiv.2501.00001}}",
            "2501.00001",
        ),
        (
            "@article{s3, author={Lee, A}, title={From Scholar}, year=2024, journal={arXiv preprint arXiv:2502.00002}}",
            "2502.00002",
        ),
    ] {
        let (code, stdout, stderr) = add(dir.path(), &["--dry-run"], input);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains(&format!(
                "  eprint        = {{{eprint}}},\n  archivePrefix = {{arXiv}}"
            )),
            "{input}\n{stdout}"
        );
    }
}

/// #15, finding 6: twelve `add`s at once, each with another paper, keep every entry, old and
/// new (before, one was left).
#[test]
fn concurrent_adds_keep_every_entry() {
    let dir = copy_fixture("maintainer");
    let before = refs(dir.path());
    let runs: Vec<_> = (0..12)
        .map(|i| {
            let book = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let entry = format!(
                    "@misc{{p{i}, title = {{Parallel paper number {i} on circuits}}, author = {{Doe{i}, Jane}}, year = 2025, eprint = {{2501.{:05}}}}}",
                    10_000 + i
                );
                add(&book, &["--keywords", "circuits"], &entry)
            })
        })
        .collect();
    for run in runs {
        let (code, _, stderr) = run.join().unwrap();
        assert_eq!(code, 0, "{stderr}");
    }
    let after = refs(dir.path());
    assert!(after.starts_with(&before), "existing bytes changed");
    for i in 0..12 {
        assert!(
            after.contains(&format!("Parallel paper number {i} on circuits")),
            "paper {i} lost:\n{after}"
        );
    }
    // No temporary file is left beside the bibliography.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

/// #15, finding 7: a child whose parent `add` renames follows the new key, and a child of a
/// paper already in the bibliography points at the key it has there.
#[test]
fn renamed_parents_take_their_children_along() {
    let dir = copy_fixture("maintainer");
    let input = "@proceedings{parentproc, title = {Proceedings of the Workshop on Circuits}, year = 2022, editor = {Roe, Richard}}\n\
                 @inproceedings{childpaper, title = {A Child Paper About Heads}, author = {Doe, Jane}, year = 2022, crossref = {parentproc}}\n";
    let (code, _, stderr) = add(dir.path(), &["--keywords", "circuits"], input);
    assert_eq!(code, 0, "{stderr}");
    let after = refs(dir.path());
    let parent_key = after
        .lines()
        .find(|l| l.starts_with("@proceedings{"))
        .and_then(|l| l.strip_prefix("@proceedings{"))
        .map(|l| l.trim_end_matches(','))
        .unwrap();
    assert_ne!(parent_key, "parentproc", "{after}");
    assert!(
        after.contains(&format!("crossref = {{{parent_key}}}")),
        "the child still points at the old key:\n{after}"
    );
    // Built, the child inherits its parent's title as its venue and no dangling warning shows.
    let (code, _, stderr) = run_binary(
        "mdbook-papers",
        &["check", "--book", dir.path().to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("which is not in the bibliography"),
        "{stderr}"
    );
}

/// #15, finding 8: `--keywords` cannot write a field or leave an entry open.
#[test]
fn keywords_cannot_break_the_entry() {
    for bad in ["a}, title = {pwned", "sae{", "x\" # y"] {
        let dir = copy_fixture("maintainer");
        let before = refs(dir.path());
        let (code, _, stderr) = add(dir.path(), &["--keywords", bad], ARXIV_EXPORT);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("`--keywords` cannot hold"), "{stderr}");
        assert_eq!(refs(dir.path()), before, "{bad}: the file changed");
    }
}
