//! The date "recent" is measured from: `today` in book.toml, else `SOURCE_DATE_EPOCH` (so
//! reproducible builds give the same page on any day), else the system clock.

use crate::paper::PaperDate;

/// The book's "today": the setting, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn today(setting: Option<&str>) -> Result<PaperDate, String> {
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
pub fn parse_day(text: &str) -> Option<PaperDate> {
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
        .then_some(PaperDate { year, month, day })
}

/// Civil date of a Unix time (proleptic Gregorian, UTC). Hand-written: it is Howard
/// Hinnant's ten-line `civil_from_days`, not worth a date-time dependency.
fn from_unix(secs: i64) -> PaperDate {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    PaperDate { year, month, day }
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
            PaperDate {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            from_unix(1_793_145_600),
            PaperDate {
                year: 2026,
                month: 10,
                day: 28
            }
        );
        assert_eq!(
            from_unix(951_782_400),
            PaperDate {
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
            Some(PaperDate {
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
        assert_eq!(today(Some("2026-11-01")).unwrap().year, 2026);
    }
}
