//! Reading a data file a book names (a bibliography, a glossary source) without trusting it.
//!
//! The path comes from `book.toml`, which a pull request can change: `/dev/zero` would grow
//! the process until it died, a FIFO would block the build forever. Only regular files are
//! read, and only up to a size no real data file reaches.

use std::io::Read;
use std::path::Path;

/// Largest data file read: ten times the largest real bibliography we know (3,305 entries,
/// about 4 MB).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of the regular file at `path` (a symlink is followed), or why it was not read,
/// as a sentence fit for a diagnostic.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".to_owned());
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "it is larger than {} MiB",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `take`, in case the file grows while it is read.
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "it is larger than {} MiB",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// Whether `path` lies outside the folder `root` once both are resolved: such a file is read,
/// but a reviewer should know that the book reaches out of its folder.
pub fn outside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(path)) => !path.starts_with(root),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_regular(dir.path())
                .unwrap_err()
                .contains("not a regular file")
        );
        #[cfg(unix)]
        assert!(
            read_regular(Path::new("/dev/zero"))
                .unwrap_err()
                .contains("not a regular file")
        );
        let file = dir.path().join("a.bib");
        std::fs::write(&file, "@misc{a}").unwrap();
        assert_eq!(read_regular(&file).unwrap(), b"@misc{a}");
        assert!(!outside(dir.path(), &file));
        assert!(outside(&file, dir.path()));
    }
}
