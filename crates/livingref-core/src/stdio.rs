//! Reading mdBook's JSON from standard input and writing the book back, in a way that keeps
//! mdBook's side of the exchange cheap.
//!
//! mdBook (0.5.4, `CmdPreprocessor`) serializes the book straight into the child's unbuffered
//! stdin, so serde_json's many small writes (one per run of text between escapes: every line
//! of every chapter) each become a `write(2)` on the pipe: about 330,000 of them for a 20 MB
//! book. A reader that is always waiting on the pipe is woken by every one of them and reads
//! a few dozen bytes each time, so both processes pay a context switch per line. Measured on
//! that book through three pass-through preprocessors, this was most of the 1.2–1.4× a build
//! costs over mdBook alone.
//!
//! So on a pipe this reader asks for a 1 MiB pipe buffer (Linux, best effort) and, if it got
//! one (`F_GETPIPE_SZ` says so), pauses for half a millisecond after a read of less than a
//! quarter of it, to let the buffer fill: mdBook's writes then land in the buffer without
//! waking anyone, and each read takes hundreds of kilobytes. Without the large buffer it
//! never pauses. The real fix is on mdBook's side: a `BufWriter` around the child's stdin in
//! `CmdPreprocessor` (see `docs/performance.md`). From a regular
//! file (benchmarks, tests) the input is read in one go into a buffer of the file's size.
//!
//! The answer goes out in 1 MiB writes into a 1 MiB pipe buffer, so mdBook, which reads it
//! to the end before parsing, is woken a few dozen times rather than once per 64 KiB.
//!
//! Hand-written because no crate does this: it is a property of how mdBook writes, not of
//! pipes in general.

use std::io::{self, Read, Write};
use std::time::Duration;

/// How long to let the pipe fill after a short read. At the ~100 MB/s mdBook writes a book,
/// half a millisecond is ~50 KB: tens of reads per 20 MB instead of hundreds of thousands.
const PAUSE: Duration = Duration::from_micros(500);

/// The pipe buffer we ask for (Linux's default cap for unprivileged processes). A read of
/// more than a quarter of the buffer we got means the writer keeps it full, and pausing
/// would only add latency.
#[cfg(target_os = "linux")]
const PIPE_BUFFER: i32 = 1 << 20;
const PIPE_BUFFER_BYTES: usize = 1 << 20;

/// Bytes read per call on a pipe.
const CHUNK: usize = 1 << 20;

/// What standard input is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A regular file of this many bytes.
    File(u64),
    Pipe,
    /// A terminal, a socket, or a platform where we cannot tell.
    Other,
}

/// Standard output, buffered for writing a whole book.
pub(crate) fn book_writer() -> impl Write {
    let stdout = io::stdout();
    grow_pipe_buffer(&stdout);
    io::BufWriter::with_capacity(CHUNK, stdout.lock())
}

/// Reads all of standard input as UTF-8.
pub(crate) fn read_all() -> io::Result<String> {
    let stdin = io::stdin();
    let source = source(&stdin);
    let mut lock = stdin.lock();
    let bytes = match source {
        Source::File(len) => {
            let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
            lock.read_to_end(&mut buf)?;
            buf
        }
        Source::Pipe => {
            // Pausing pays only when the writes can pile up in a large buffer. Where the
            // resize was refused (past `pipe-user-pages-soft`, another OS) a pause after each
            // read of a 64 KiB buffer would cap the input at 64 KiB per pause, so then there is
            // none.
            let pause = grow_pipe_buffer(&stdin)
                .filter(|&capacity| capacity >= PIPE_BUFFER_BYTES)
                .map(|capacity| Pause {
                    length: PAUSE,
                    short: capacity / 4,
                });
            read_batched(&mut lock, pause, &mut std::thread::sleep)?
        }
        Source::Other => {
            let mut buf = Vec::new();
            lock.read_to_end(&mut buf)?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// When [`read_batched`] pauses: for `length` after a read of fewer than `short` bytes.
#[derive(Debug, Clone, Copy)]
struct Pause {
    length: Duration,
    short: usize,
}

/// Reads `reader` to its end in large chunks, pausing (through `sleep`) after each short
/// read, if `pause` says so, so a writer of many small pieces can fill the buffer between.
fn read_batched(
    reader: &mut impl Read,
    pause: Option<Pause>,
    sleep: &mut dyn FnMut(Duration),
) -> io::Result<Vec<u8>> {
    // `buf[..filled]` holds the input; the rest is zeroed space for the next read, zeroed once
    // (reading into uninitialized memory would need `unsafe`).
    let mut buf: Vec<u8> = Vec::new();
    let mut filled = 0;
    loop {
        if buf.len() - filled < CHUNK / 2 {
            buf.resize(buf.len() + CHUNK, 0);
        }
        let n = match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        filled += n;
        if let Some(pause) = pause
            && n < pause.short
        {
            sleep(pause.length);
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

#[cfg(unix)]
fn source(stdin: &io::Stdin) -> Source {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return Source::Other;
    };
    match std::fs::File::from(fd).metadata() {
        Ok(m) if m.file_type().is_file() => Source::File(m.len()),
        Ok(m) if m.file_type().is_fifo() => Source::Pipe,
        _ => Source::Other,
    }
}

#[cfg(not(unix))]
fn source(_stdin: &io::Stdin) -> Source {
    Source::Other
}

/// Asks for a larger buffer if `stream` is a pipe, and returns the capacity it has then
/// (`F_GETPIPE_SZ`), or `None` where that cannot be known. Best effort: a smaller buffer
/// only means more reads and writes.
#[cfg(target_os = "linux")]
fn grow_pipe_buffer(stream: &impl std::os::fd::AsFd) -> Option<usize> {
    use nix::fcntl::{FcntlArg, fcntl};
    let _ = fcntl(stream, FcntlArg::F_SETPIPE_SZ(PIPE_BUFFER));
    fcntl(stream, FcntlArg::F_GETPIPE_SZ)
        .ok()
        .and_then(|n| usize::try_from(n).ok())
}

#[cfg(not(target_os = "linux"))]
fn grow_pipe_buffer<T>(_stream: &T) -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its data a few bytes at a time, as a pipe fed by many small
    /// writes does, and counts the calls.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        calls: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(3) {
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            let n = self.step.min(self.data.len()).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn batched_reads_return_every_byte_in_order() {
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        for step in [1, 7, 4096, CHUNK, 2 * CHUNK] {
            let mut source = Trickle {
                data: &data[..if step == 1 { 5000 } else { data.len() }],
                step,
                calls: 0,
            };
            let expected = source.data.to_vec();
            let pause = Some(Pause {
                length: Duration::ZERO,
                short: 256 << 10,
            });
            let read = read_batched(&mut source, pause, &mut |_| {}).expect("read");
            assert_eq!(read, expected, "step {step}");
        }
    }

    /// Where the pipe could not be made larger, reads never pause: a pause after every read
    /// of a small buffer would cap the throughput at its size per pause.
    #[test]
    fn no_pause_without_a_large_buffer() {
        let data = vec![7u8; 5000];
        let mut sleeps = 0;
        let mut source = Trickle {
            data: &data,
            step: 1,
            calls: 0,
        };
        let read = read_batched(&mut source, None, &mut |_| sleeps += 1).expect("read");
        assert_eq!(read, data);
        assert_eq!(sleeps, 0);
        let mut source = Trickle {
            data: &data,
            step: 100,
            calls: 0,
        };
        let pause = Some(Pause {
            length: Duration::ZERO,
            short: 1024,
        });
        read_batched(&mut source, pause, &mut |_| sleeps += 1).expect("read");
        assert_eq!(sleeps, 50, "one pause per short read");
    }
}
