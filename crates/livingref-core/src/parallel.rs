//! Independent work spread over the machine's cores, with results in input order.
//!
//! Linking terms or rendering citations in one chapter never looks at another, and on a large
//! book that per-chapter work (parsing Markdown, matching, splicing) is most of a run. mdBook
//! runs preprocessors one after another, so a preprocessor has the cores to itself:
//! [`chapters`] spreads the chapters over scoped threads in contiguous runs of about equal
//! size, and [`slice()`] does the same for any list (bibliography entries). Results come back in
//! input order whatever the thread count, so output and diagnostics stay byte-for-byte
//! deterministic. Hand-written on `std::thread::scope` rather than taken from rayon: one
//! contiguous run per core is all the scheduling this needs.

use mdbook_preprocessor::book::{Book, BookItem};
use std::path::Path;

/// The parts of a chapter that a per-chapter pass reads, and its content to rewrite.
#[derive(Debug)]
pub struct ChapterMut<'a> {
    pub name: &'a str,
    pub content: &'a mut String,
    /// Output path relative to `src` (`None` for a draft).
    pub path: Option<&'a Path>,
    /// Source file relative to `src` (`None` for a draft or a generated chapter).
    pub source_path: Option<&'a Path>,
}

/// Below this much Markdown, starting threads costs more than it saves.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

/// Below this many items of [`slice`], likewise.
const PARALLEL_FROM_ITEMS: usize = 512;

/// Applies `f` to every chapter (drafts included) and returns the results in reading order
/// (a chapter before its sub-chapters). The thread count is the number of available cores,
/// or `LIVINGREF_THREADS` when set (`1` makes a run single-threaded).
pub fn chapters<R, F>(book: &mut Book, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(ChapterMut<'_>) -> R + Sync,
{
    let mut chapters = Vec::new();
    collect(&mut book.items, &mut chapters);
    let total: usize = chapters.iter().map(|c| c.content.len()).sum();
    let threads = threads().min(chapters.len());
    if threads <= 1 || total < PARALLEL_FROM_BYTES {
        return chapters.into_iter().map(f).collect();
    }
    run_all(split_by_size(chapters, total, threads), f)
}

/// Applies `f` to every item of `items`; results in the same order.
pub fn slice<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = threads().min(items.len());
    if threads <= 1 || items.len() < PARALLEL_FROM_ITEMS {
        return items.iter().map(f).collect();
    }
    run_all(
        items
            .chunks(items.len().div_ceil(threads))
            .map(|c| c.iter())
            .collect(),
        f,
    )
}

/// Applies `f` to contiguous runs of `items`, one run per thread (a single run, all of
/// `items`, below the threshold), and returns one result per run, in order. For work whose
/// setup is paid per call, such as handing entries to a parser.
pub fn runs<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    let threads = threads().min(items.len());
    if threads <= 1 || items.len() < PARALLEL_FROM_ITEMS {
        return vec![f(items)];
    }
    run_all(
        items
            .chunks(items.len().div_ceil(threads))
            .map(|c| [c])
            .collect(),
        f,
    )
}

/// Maps each run on its own thread and concatenates the results in run order.
fn run_all<I, R, F>(runs: Vec<I>, f: F) -> Vec<R>
where
    I: IntoIterator + Send,
    R: Send,
    F: Fn(I::Item) -> R + Sync,
{
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || run.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(results) => results,
                // A panic in `f` is a bug; let it surface as the same panic on this thread.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn threads() -> usize {
    std::env::var("LIVINGREF_THREADS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn collect<'a>(items: &'a mut [BookItem], out: &mut Vec<ChapterMut<'a>>) {
    for item in items {
        if let BookItem::Chapter(chapter) = item {
            let mdbook_preprocessor::book::Chapter {
                name,
                content,
                path,
                source_path,
                sub_items,
                ..
            } = chapter;
            out.push(ChapterMut {
                name,
                content,
                path: path.as_deref(),
                source_path: source_path.as_deref(),
            });
            collect(sub_items, out);
        }
    }
}

/// Contiguous runs of chapters, each close to `total / runs` bytes.
fn split_by_size(
    items: Vec<ChapterMut<'_>>,
    total: usize,
    runs: usize,
) -> Vec<Vec<ChapterMut<'_>>> {
    let share = total.div_ceil(runs).max(1);
    let mut out = vec![Vec::new()];
    let mut filled = 0;
    for item in items {
        if filled >= share && out.len() < runs {
            out.push(Vec::new());
            filled = 0;
        }
        filled += item.content.len();
        if let Some(last) = out.last_mut() {
            last.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::book::Chapter;

    fn book(sizes: &[usize]) -> Book {
        let mut book = Book::new();
        for (i, &n) in sizes.iter().enumerate() {
            let mut ch = Chapter::new(
                &format!("c{i}"),
                "x".repeat(n),
                format!("c{i}.md"),
                Vec::new(),
            );
            ch.sub_items.push(BookItem::Chapter(Chapter::new(
                &format!("c{i}.1"),
                "y".repeat(n),
                format!("c{i}/s.md"),
                Vec::new(),
            )));
            book.items.push(BookItem::Chapter(ch));
        }
        book
    }

    #[test]
    fn results_are_in_reading_order_on_any_thread_count() {
        // 8 chapters of 300 KB with one sub-chapter each: 4.8 MB, over the parallel threshold.
        let mut big = book(&[300_000; 8]);
        let names = chapters(&mut big, |c| {
            c.content.push('!');
            c.name.to_owned()
        });
        let expected: Vec<String> = (0..8)
            .flat_map(|i| [format!("c{i}"), format!("c{i}.1")])
            .collect();
        assert_eq!(names, expected);
        assert!(big.chapters().all(|c| c.content.ends_with('!')));
    }

    #[test]
    fn slices_keep_their_order() {
        let items: Vec<usize> = (0..10_000).collect();
        assert_eq!(
            slice(&items, |i| i * 2),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn runs_cover_the_slice_in_order() {
        let items: Vec<usize> = (0..10_000).collect();
        let sums = runs(&items, |run| (run[0], run.len()));
        assert_eq!(sums.iter().map(|(_, n)| n).sum::<usize>(), items.len());
        assert!(
            sums.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0),
            "{sums:?}"
        );
        assert_eq!(
            runs(&items[..3], <[usize]>::len),
            [3],
            "small slices are one run"
        );
    }

    #[test]
    fn runs_are_contiguous_and_balanced() {
        let mut b = book(&[100, 100, 100, 100, 400]);
        let mut chapters = Vec::new();
        collect(&mut b.items, &mut chapters);
        let runs = split_by_size(chapters, 1600, 2);
        let sizes: Vec<usize> = runs
            .iter()
            .map(|r| r.iter().map(|c| c.content.len()).sum())
            .collect();
        assert_eq!(sizes, [800, 800]);
    }
}
