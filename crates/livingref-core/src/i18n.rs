//! The book's language, for UI strings and for language-aware matching.
//!
//! Plugins keep their own string tables (one `match` per plugin); this module only decides
//! *which* language a book is in, from `book.language` with an optional per-plugin override.

/// A language the suite has UI strings and inflection rules for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    /// Parses a BCP 47 tag by its primary subtag (`ru`, `ru-RU`, `EN_gb`).
    /// Unknown languages give `None`; callers fall back to English.
    /// The language tags the suite has labels for.
    pub const SUPPORTED: &'static [&'static str] = &["en", "ru"];

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// The language of a book: `book.language`, else English. Books in languages the suite
    /// has no strings for get English UI strings rather than a failed build.
    pub fn of_book(config: &mdbook_preprocessor::config::Config) -> Lang {
        config
            .book
            .language
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_subtag_decides() {
        assert_eq!(Lang::from_tag("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_tag("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
    }
}
