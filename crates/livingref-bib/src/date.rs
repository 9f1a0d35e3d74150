//! The one date type of the workspace, and its parsers: a paper's date, a card's
//! `last-reviewed`, and the date "recent" is measured from (`today` in book.toml, else
//! `SOURCE_DATE_EPOCH`, so reproducible builds give the same page on any day, else the clock).

use std::fmt;

/// A date precise to the day where known; missing parts sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Date {
    pub year: i32,
    /// 1–12, 0 if unknown.
    pub month: u8,
    /// 1–31, 0 if unknown.
    pub day: u8,
}

impl Date {
    /// `YYYY-MM-DD` (also `YYYY-MM` and `YYYY`, missing parts as 1), a real calendar day of
    /// years 1000–9999: what a person writes in a setting or a card.
    pub fn parse_day(text: &str) -> Option<Date> {
        parse_day(text)
    }

    /// Whatever a BibTeX `date` field holds (`2024`, `2024-05`, `2024-05-01T…`), a part that
    /// is not a month or day left unknown.
    pub(crate) fn loose(text: &str) -> Option<Date> {
        let mut parts = text.trim().split(['-', 'T', ' ']);
        let year = parts.next()?.parse().ok()?;
        let month = parts
            .next()
            .and_then(|m| m.parse().ok())
            .filter(|m| (1..=12).contains(m))
            .unwrap_or(0);
        let day = parts
            .next()
            .and_then(|d| d.parse().ok())
            .filter(|d| (1..=31).contains(d))
            .unwrap_or(0);
        Some(Date { year, month, day })
    }

    /// Whether this date is known to be later than `other`, at this date's own precision: a
    /// paper dated `2025` is after a review on 2024-12-31, not after one on 2025-03-01.
    pub fn is_after(&self, other: &Date) -> bool {
        match (self.month, self.day) {
            (0, _) => self.year > other.year,
            (_, 0) => (self.year, self.month) > (other.year, other.month),
            _ => self > other,
        }
    }

    /// Months since year 0, for "within N months" windows.
    pub fn months(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month.max(1)) - 1
    }
}

impl fmt::Display for Date {
    /// As precise as known: `2024`, `2024-05` or `2024-05-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (0, _) => write!(f, "{:04}", self.year),
            (m, 0) => write!(f, "{:04}-{m:02}", self.year),
            (m, d) => write!(f, "{:04}-{m:02}-{d:02}", self.year),
        }
    }
}

/// The book's "today": the setting, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn today(setting: Option<&str>) -> Result<Date, String> {
    if let Some(text) = setting {
        return parse_day(text)
            .ok_or_else(|| format!("`today = \"{text}\"` is not a date; write it as YYYY-MM-DD"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds"))?;
        return Ok(from_unix(secs));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Ok(from_unix(secs))
}

/// `YYYY-MM-DD` (also `YYYY-MM` and `YYYY`, missing parts as 1).
fn parse_day(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: u8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    ((1..=12).contains(&month) && (1..=days).contains(&day) && (1000..=9999).contains(&year))
        .then_some(Date { year, month, day })
}

/// Civil date of a Unix time (proleptic Gregorian, UTC). Hand-written: it is Howard
/// Hinnant's ten-line `civil_from_days`, not worth a date-time dependency.
fn from_unix(secs: i64) -> Date {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

/// `24 months`, `2 years`, `1 year` → months.
pub fn parse_window(text: &str) -> Option<i64> {
    let mut parts = text.split_whitespace();
    let n: i64 = parts.next()?.parse().ok()?;
    let unit = parts.next().unwrap_or("months");
    match unit.trim_end_matches('s') {
        "month" | "месяц" | "месяцев" | "месяца" => Some(n),
        "year" | "год" | "года" | "лет" => Some(n * 12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_become_dates() {
        assert_eq!(
            from_unix(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            from_unix(1_793_145_600),
            Date {
                year: 2026,
                month: 10,
                day: 28
            }
        );
        assert_eq!(
            from_unix(951_782_400),
            Date {
                year: 2000,
                month: 2,
                day: 29
            }
        );
    }

    #[test]
    fn settings_and_windows() {
        assert_eq!(
            parse_day("2026-11-01"),
            Some(Date {
                year: 2026,
                month: 11,
                day: 1
            })
        );
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("soon"), None);
        assert_eq!(parse_window("24 months"), Some(24));
        assert_eq!(parse_window("2 years"), Some(24));
        assert_eq!(parse_window("fortnight"), None);
        assert!(today(Some("yesterday")).is_err());
        let day = |s| Date::loose(s).unwrap();
        assert!(day("2025").is_after(&day("2024-12-31")));
        assert!(!day("2025").is_after(&day("2025-03-01")));
        assert!(day("2025-04").is_after(&day("2025-03-31")));
        assert!(!day("2025-03-02").is_after(&day("2025-03-02")));
        assert_eq!(
            [day("2025"), day("2025-04"), day("2025-04-02")].map(|d| d.to_string()),
            ["2025", "2025-04", "2025-04-02"]
        );
        assert_eq!(today(Some("2026-11-01")).unwrap().year, 2026);
    }
}
