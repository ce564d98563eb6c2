//! Time: instants are stored in UTC and shown in JST by default; the fiscal year runs April–March.

use crate::lang::Lang;
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

impl FiscalYear {
    /// The fiscal year the JST calendar date falls in.
    pub fn of_date(d: NaiveDate) -> FiscalYear {
        FiscalYear(if d.month() >= 4 { d.year() } else { d.year() - 1 })
    }

    /// The last fiscal year that has ended by the JST date `today` (the yearly report's default:
    /// a year still running would be compared with a whole one).
    pub fn last_complete(today: NaiveDate) -> FiscalYear {
        FiscalYear::of_date(today).previous()
    }

    /// What of this fiscal year is known on the JST date `today`: the days up to and including
    /// `today` while the year runs, otherwise the whole year.
    pub fn as_of(self, today: NaiveDate) -> FiscalPeriod {
        if FiscalYear::of_date(today) == self {
            FiscalPeriod { fiscal_year: self, through: Some((today.month(), today.day())) }
        } else {
            FiscalPeriod::whole(self)
        }
    }
}

/// A fiscal year from 1 April (JST) to a day of it: the whole year, or the year to date. Two
/// years are compared like with like by cutting both at the same day ([`FiscalPeriod::same_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FiscalPeriod {
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// Month and day of the last day included; `None`: the whole year.
    through: Option<(u32, u32)>,
}

impl FiscalPeriod {
    /// The whole fiscal year.
    pub fn whole(fiscal_year: FiscalYear) -> FiscalPeriod {
        FiscalPeriod { fiscal_year, through: None }
    }

    /// Whether it is the whole year.
    pub fn is_whole(&self) -> bool {
        self.through.is_none()
    }

    /// The same days of another fiscal year (29 February becomes 28 February in a common year).
    pub fn same_in(&self, fiscal_year: FiscalYear) -> FiscalPeriod {
        FiscalPeriod { fiscal_year, through: self.through }
    }

    /// The same days of the previous fiscal year: what a year to date is compared with.
    pub fn previous(&self) -> FiscalPeriod {
        self.same_in(self.fiscal_year.previous())
    }

    /// The last day included (JST).
    pub fn last_day(&self) -> NaiveDate {
        let fy = self.fiscal_year.0;
        let (m, d) = self.through.unwrap_or((3, 31));
        let year = if m >= 4 { fy } else { fy + 1 };
        // The only day that may not exist in another year is 29 February.
        NaiveDate::from_ymd_opt(year, m, d)
            .or_else(|| NaiveDate::from_ymd_opt(year, m, d.saturating_sub(1)))
            .unwrap_or(NaiveDate::MIN)
    }

    /// First instant (1 April 00:00 JST).
    pub fn start(&self) -> Timestamp {
        self.fiscal_year.start()
    }

    /// First instant after the period (midnight JST after its last day).
    pub fn end(&self) -> Timestamp {
        match self.through {
            None => self.fiscal_year.end(),
            Some(_) => {
                let next = self.last_day().succ_opt().unwrap_or(NaiveDate::MAX);
                jst_midnight(next.year(), next.month(), next.day())
            }
        }
    }

    /// Whether the instant falls in the period.
    pub fn contains(&self, t: &Timestamp) -> bool {
        *t >= self.start() && *t < self.end()
    }

    /// The days it covers: `4月1日〜12月3日` / `1 Apr – 3 Dec`.
    pub fn days_label(&self, lang: Lang) -> String {
        let last = self.last_day();
        match lang {
            Lang::Ja => format!("4月1日〜{}月{}日", last.month(), last.day()),
            Lang::En => format!("1 Apr – {}", last.format("%-d %b")),
        }
    }

    /// What a figure of this period is compared with, for the text beside a change:
    /// `前年度比` / `vs the previous fiscal year` for a whole year,
    /// `前年度同期（4月1日〜12月3日）比` / `vs the same period last year (1 Apr – 3 Dec)` for a year
    /// to date.
    pub fn comparison_label(&self, lang: Lang) -> String {
        match (self.is_whole(), lang) {
            (true, Lang::Ja) => "前年度比".to_string(),
            (true, Lang::En) => "vs the previous fiscal year".to_string(),
            (false, Lang::Ja) => format!("前年度同期（{}）比", self.days_label(lang)),
            (false, Lang::En) => format!("vs the same period last year ({})", self.days_label(lang)),
        }
    }

    /// The period's name: `2025年度` / `FY2025`, or `2025年度（4月1日〜12月3日）` /
    /// `FY2025 (1 Apr – 3 Dec)` for a year to date.
    pub fn label(&self, lang: Lang) -> String {
        let fy = self.fiscal_year.0;
        match (self.is_whole(), lang) {
            (true, Lang::Ja) => format!("{fy}年度"),
            (true, Lang::En) => format!("FY{fy}"),
            (false, Lang::Ja) => format!("{fy}年度（{}）", self.days_label(lang)),
            (false, Lang::En) => format!("FY{fy} ({})", self.days_label(lang)),
        }
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

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn year_to_date_is_compared_with_the_same_days_of_last_year() {
        let today = day("2025-12-03");
        let p = FiscalYear(2025).as_of(today);
        assert!(!p.is_whole());
        assert_eq!(p.start(), parse_timestamp("2025-04-01T00:00:00+09:00").unwrap());
        assert_eq!(p.end(), parse_timestamp("2025-12-04T00:00:00+09:00").unwrap());
        let prev = p.previous();
        assert_eq!(prev.fiscal_year, FiscalYear(2024));
        assert_eq!(prev.start(), parse_timestamp("2024-04-01T00:00:00+09:00").unwrap());
        assert_eq!(prev.end(), parse_timestamp("2024-12-04T00:00:00+09:00").unwrap());
        assert!(prev.contains(&parse_timestamp("2024-12-03T23:59:59+09:00").unwrap()));
        assert!(!prev.contains(&parse_timestamp("2024-12-04T00:00:00+09:00").unwrap()));
        assert_eq!(p.comparison_label(Lang::Ja), "前年度同期（4月1日〜12月3日）比");
        assert_eq!(p.comparison_label(Lang::En), "vs the same period last year (1 Apr – 3 Dec)");
        // A finished year is whole, and so is its comparison.
        let done = FiscalYear(2024).as_of(today);
        assert!(done.is_whole() && done.previous().is_whole());
        assert_eq!(done.end(), FiscalYear(2024).end());
        assert_eq!(done.comparison_label(Lang::Ja), "前年度比");
        assert_eq!(FiscalYear::last_complete(today), FiscalYear(2024));
        assert_eq!(FiscalYear::last_complete(day("2026-03-31")), FiscalYear(2024));
        assert_eq!(FiscalYear::last_complete(day("2026-04-01")), FiscalYear(2025));
    }

    #[test]
    fn leap_day_falls_back_to_the_last_of_february() {
        let p = FiscalYear(2023).as_of(day("2024-02-29"));
        assert_eq!(p.end(), parse_timestamp("2024-03-01T00:00:00+09:00").unwrap());
        assert_eq!(p.previous().end(), parse_timestamp("2023-03-01T00:00:00+09:00").unwrap());
        assert_eq!(p.previous().days_label(Lang::En), "1 Apr – 28 Feb");
    }

    #[test]
    fn formats_in_jst() {
        let t = parse_timestamp("2024-05-01T00:30:00Z").unwrap();
        assert_eq!(format_jst(&t), "2024-05-01T09:30:00+09:00");
    }
}
