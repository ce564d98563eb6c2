//! Working days as data: a holiday calendar an institution supplies, and the two calendar rules the
//! regimes use ("by noon of the next working day", "within N working days").
//!
//! opres ships no holiday list and downloads none: a deployment enters the dates of the Member State
//! (DORA) or of England and Wales (UK) it reports under. Saturdays and Sundays are never working days.
//! The calendar's clock is a fixed UTC offset (e.g. `+01:00` for Central European Time); summer time
//! is not modelled, so a calendar for a zone with daylight saving is one hour off in summer for the
//! noon rule (see `docs/reporting-regimes.md`).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why a calendar could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The offset is not between −23:59 and +23:59.
    #[error("UTC offset of {0} seconds is out of range")]
    BadOffset(i32),
}

/// The non-working days of one place, and the clock it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    /// What the calendar is (`DE bank holidays 2027`, …), for display.
    pub name: String,
    /// Offset from UTC in seconds of the calendar's local time.
    utc_offset_seconds: i32,
    /// Public or bank holidays (local dates). Weekends need not be listed.
    holidays: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// A calendar with the given offset from UTC (seconds) and holidays.
    pub fn new(
        name: impl Into<String>,
        utc_offset_seconds: i32,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<HolidayCalendar, CalendarError> {
        FixedOffset::east_opt(utc_offset_seconds).ok_or(CalendarError::BadOffset(utc_offset_seconds))?;
        Ok(HolidayCalendar { name: name.into(), utc_offset_seconds, holidays: holidays.into_iter().collect() })
    }

    /// Weekends only, in UTC: what applies when an institution has supplied no calendar.
    pub fn weekends_only_utc() -> HolidayCalendar {
        HolidayCalendar { name: "weekends only (UTC)".into(), utc_offset_seconds: 0, holidays: BTreeSet::new() }
    }

    /// The calendar's local clock.
    pub fn offset(&self) -> FixedOffset {
        // A deserialised calendar with an impossible offset falls back to UTC.
        FixedOffset::east_opt(self.utc_offset_seconds).unwrap_or(Utc.fix())
    }

    /// The holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &NaiveDate> {
        self.holidays.iter()
    }

    /// Whether the local date is a working day (not Saturday, Sunday or a listed holiday).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The local date of an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.offset()).date_naive()
    }

    /// Whether the instant falls on a weekend day or a holiday, local time.
    pub fn is_non_working_instant(&self, t: DateTime<Utc>) -> bool {
        !self.is_working_day(self.local_date(t))
    }

    /// The first working day strictly after `d`.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut next = d;
        // A calendar cannot list more holidays than it has entries, so this ends within that many
        // days plus a weekend; the bound only guards against `NaiveDate::MAX`.
        for _ in 0..=(self.holidays.len() + 3) {
            match next.succ_opt() {
                Some(n) => next = n,
                None => return next,
            }
            if self.is_working_day(next) {
                return next;
            }
        }
        next
    }

    /// Noon (12:00 local) of the first working day after the local date of `t`.
    pub fn noon_of_next_working_day(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let day = self.next_working_day(self.local_date(t));
        self.local_to_utc(day, NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN))
    }

    /// The same local time of day, `n` working days after the local date of `t` (`n` = 0: `t`).
    pub fn add_working_days(&self, t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let local = t.with_timezone(&self.offset());
        let mut day = local.date_naive();
        for _ in 0..n {
            day = self.next_working_day(day);
        }
        self.local_to_utc(day, local.time())
    }

    fn local_to_utc(&self, d: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = d.and_time(time);
        // A fixed offset has exactly one mapping.
        self.offset().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| {
            DateTime::<Utc>::from_naive_utc_and_offset(
                naive - Duration::seconds(i64::from(self.utc_offset_seconds)),
                Utc,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn weekends_and_listed_holidays_are_not_working_days() {
        let cal = HolidayCalendar::new("test", 3600, [d("2027-05-03")]).unwrap();
        assert!(!cal.is_working_day(d("2027-05-01"))); // Saturday
        assert!(!cal.is_working_day(d("2027-05-02"))); // Sunday
        assert!(!cal.is_working_day(d("2027-05-03"))); // listed holiday
        assert!(cal.is_working_day(d("2027-05-04")));
        assert_eq!(cal.next_working_day(d("2027-04-30")), d("2027-05-04"));
        assert!(HolidayCalendar::new("bad", 86_400, []).is_err());
    }

    #[test]
    fn noon_of_next_working_day_is_local_noon() {
        let cal = HolidayCalendar::new("CET", 3600, []).unwrap();
        // Saturday 01:00 CET → Monday 12:00 CET = 11:00 UTC.
        assert_eq!(cal.noon_of_next_working_day(t("2027-05-01T01:00:00+01:00")), t("2027-05-03T11:00:00Z"));
        // The local date counts: Friday 23:30 UTC is Saturday 00:30 CET.
        assert!(cal.is_non_working_instant(t("2027-04-30T23:30:00Z")));
        assert!(!cal.is_non_working_instant(t("2027-04-30T22:30:00Z")));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = HolidayCalendar::new("UK", 0, [d("2027-05-03")]).unwrap();
        // Thursday + 2 working days: Friday, (Sat, Sun, holiday Mon) Tuesday.
        assert_eq!(cal.add_working_days(t("2027-04-29T10:00:00Z"), 2), t("2027-05-04T10:00:00Z"));
        assert_eq!(cal.add_working_days(t("2027-04-29T10:00:00Z"), 0), t("2027-04-29T10:00:00Z"));
    }
}
