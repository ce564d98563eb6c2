//! Time: instants are stored in UTC and shown in JST by default; the fiscal year runs April–March.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An instant. Always time-zone aware; input without an offset is rejected, never guessed.
pub type Timestamp = DateTime<Utc>;

/// Japan Standard Time (UTC+09:00, no daylight saving): the default display zone.
#[allow(clippy::panic)] // const evaluation: 9 h is a valid offset, so this never runs.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(o) => o,
    None => panic!("JST offset"),
};

/// Why a timestamp string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Looks like a date/time but has no offset, so the instant is ambiguous.
    #[error("has no time zone offset")]
    NoOffset,
    /// Not a date/time at all.
    #[error("is not an RFC 3339 date-time")]
    Malformed,
}

/// Parses an RFC 3339 timestamp with an offset (`2024-05-01T09:30:00+09:00`, `…Z`).
/// A date or date-time without an offset is refused with [`TimestampError::NoOffset`].
pub fn parse_timestamp(s: &str) -> Result<Timestamp, TimestampError> {
    let s = s.trim();
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => Ok(t.with_timezone(&Utc)),
        Err(_) => {
            let naive_dt = [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%Y/%m/%d %H:%M:%S",
                "%Y/%m/%d %H:%M",
            ]
            .iter()
            .any(|f| chrono::NaiveDateTime::parse_from_str(s, f).is_ok());
            let naive_d = ["%Y-%m-%d", "%Y/%m/%d"].iter().any(|f| NaiveDate::parse_from_str(s, f).is_ok());
            if naive_dt || naive_d { Err(TimestampError::NoOffset) } else { Err(TimestampError::Malformed) }
        }
    }
}

/// Formats an instant as RFC 3339 in JST, e.g. `2024-05-01T09:30:00+09:00`.
pub fn format_jst(t: &Timestamp) -> String {
    t.with_timezone(&JST).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// The calendar date (JST) of an instant: due dates, review dates and rollout dates are JST days.
pub fn jst_date(t: &Timestamp) -> NaiveDate {
    t.with_timezone(&JST).date_naive()
}

/// A Japanese fiscal year (年度): FY2024 runs from 1 April 2024 to 31 March 2025, JST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The fiscal year an instant falls in, judged in JST.
    pub fn of(t: &Timestamp) -> FiscalYear {
        let local = t.with_timezone(&JST);
        let y = local.year();
        FiscalYear(if local.month() >= 4 { y } else { y - 1 })
    }

    /// First instant of the fiscal year (1 April 00:00 JST).
    pub fn start(self) -> Timestamp {
        jst_midnight(self.0, 4, 1)
    }

    /// First instant after the fiscal year (1 April of the next year, 00:00 JST).
    pub fn end(self) -> Timestamp {
        jst_midnight(self.0 + 1, 4, 1)
    }

    /// Whether the instant falls in this fiscal year.
    pub fn contains(self, t: &Timestamp) -> bool {
        *t >= self.start() && *t < self.end()
    }

    /// The year before.
    pub fn previous(self) -> FiscalYear {
        FiscalYear(self.0 - 1)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

fn jst_midnight(y: i32, m: u32, d: u32) -> Timestamp {
    JST.with_ymd_and_hms(y, m, d, 0, 0, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jst_is_nine_hours_east() {
        assert_eq!(JST.local_minus_utc(), 9 * 3600);
    }

    #[test]
    fn offsets_are_required() {
        assert!(parse_timestamp("2024-05-01T09:30:00+09:00").is_ok());
        assert!(parse_timestamp("2024-05-01T00:30:00Z").is_ok());
        assert_eq!(parse_timestamp("2024-05-01T09:30:00"), Err(TimestampError::NoOffset));
        assert_eq!(parse_timestamp("2024-05-01"), Err(TimestampError::NoOffset));
        assert_eq!(parse_timestamp("2024/05/01 09:30"), Err(TimestampError::NoOffset));
        assert_eq!(parse_timestamp("yesterday"), Err(TimestampError::Malformed));
    }

    #[test]
    fn fiscal_year_turns_on_first_of_april_jst() {
        // 2025-03-31T15:00Z is 2025-04-01 00:00 JST: already FY2025.
        let t = parse_timestamp("2025-03-31T15:00:00Z").unwrap();
        assert_eq!(FiscalYear::of(&t), FiscalYear(2025));
        let t = parse_timestamp("2025-04-01T08:59:59+09:00").unwrap();
        assert_eq!(FiscalYear::of(&t), FiscalYear(2025));
        let t = parse_timestamp("2025-03-31T23:59:59+09:00").unwrap();
        assert_eq!(FiscalYear::of(&t), FiscalYear(2024));
        assert!(FiscalYear(2024).contains(&t));
    }

    #[test]
    fn formats_in_jst() {
        let t = parse_timestamp("2024-05-01T00:30:00Z").unwrap();
        assert_eq!(format_jst(&t), "2024-05-01T09:30:00+09:00");
    }
}
