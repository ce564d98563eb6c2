//! Time measures of an incident, defined once: every figure (trend analysis, yearly report, web
//! pages, API, CLI) takes its times to detect and to recover from here, with the definition shown
//! next to it.
//!
//! - **Time to detect** (MTTD when a median or mean is taken, 検知時間) = detected − occurred.
//! - **Time to recover** (MTTR, 復旧時間) = recovered − occurred: the time from the failure's
//!   start until service was back, which is what a customer lives through and what the yearly
//!   report's "median time from occurrence to recovery" means. The source document defines
//!   neither, so the conventional "from the failure's start" is used.
//!
//! A record whose instants contradict each other (recovered before it was detected, detected or
//! recovered before it occurred) measures nothing: which instant is wrong cannot be told, so it is
//! left out of both medians and counted as a data-quality finding shown beside the figure. It is
//! never clamped to zero.

use crate::incident::IncidentTimes;
use crate::lang::Lang;
use chrono::Duration;
use serde::Serialize;

/// A time an incident is measured by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMeasure {
    /// detected − occurred.
    TimeToDetect,
    /// recovered − occurred.
    TimeToRecover,
}

/// One incident's value of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    /// The measure, never negative.
    Value(Duration),
    /// Not measurable yet: the incident has not recovered.
    Pending,
    /// The incident's instants contradict each other; see [`IncidentTimes::inconsistency`].
    Inconsistent,
}

impl Measured {
    /// The value, if there is one.
    pub fn value(self) -> Option<Duration> {
        match self {
            Measured::Value(d) => Some(d),
            Measured::Pending | Measured::Inconsistent => None,
        }
    }
}

/// How an incident's instants contradict each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInconsistency {
    /// Detected before it occurred.
    DetectedBeforeOccurred,
    /// Recovered before it occurred.
    RecoveredBeforeOccurred,
    /// Recovered before it was detected.
    DetectedAfterRecovered,
}

impl TimeInconsistency {
    /// The finding in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TimeInconsistency::DetectedBeforeOccurred, Lang::Ja) => "認識日時が発生日時より前",
            (TimeInconsistency::DetectedBeforeOccurred, Lang::En) => "detected before it occurred",
            (TimeInconsistency::RecoveredBeforeOccurred, Lang::Ja) => "復旧日時が発生日時より前",
            (TimeInconsistency::RecoveredBeforeOccurred, Lang::En) => "recovered before it occurred",
            (TimeInconsistency::DetectedAfterRecovered, Lang::Ja) => "認識日時が復旧日時より後",
            (TimeInconsistency::DetectedAfterRecovered, Lang::En) => "detected after it was recovered",
        }
    }

    /// The note beside an incident whose times are not computed:
    /// `時刻が矛盾するため所要時間を算出しない（認識日時が復旧日時より後）`.
    pub fn note(self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("時刻が矛盾するため所要時間を算出しない（{}）", self.label(lang)),
            Lang::En => format!("Times contradict each other, so no time is computed ({})", self.label(lang)),
        }
    }
}

impl IncidentTimes {
    /// The first contradiction among occurred, detected and recovered, if any. Construction
    /// refuses the first two, so on a validated record only "detected after recovered" occurs; the
    /// check covers all three so that it stays true whatever construction allows.
    pub fn inconsistency(&self) -> Option<TimeInconsistency> {
        let (occ, det, rec) = (self.occurred_at(), self.detected_at(), self.recovered_at());
        if det < occ {
            Some(TimeInconsistency::DetectedBeforeOccurred)
        } else if rec.is_some_and(|r| r < occ) {
            Some(TimeInconsistency::RecoveredBeforeOccurred)
        } else if rec.is_some_and(|r| det > r) {
            Some(TimeInconsistency::DetectedAfterRecovered)
        } else {
            None
        }
    }
}

impl TimeMeasure {
    /// Both measures, detect first.
    pub const ALL: [TimeMeasure; 2] = [TimeMeasure::TimeToDetect, TimeMeasure::TimeToRecover];

    /// The measure of one incident's times.
    pub fn of(self, times: &IncidentTimes) -> Measured {
        if times.inconsistency().is_some() {
            return Measured::Inconsistent;
        }
        match self {
            TimeMeasure::TimeToDetect => Measured::Value(times.detected_at() - times.occurred_at()),
            TimeMeasure::TimeToRecover => {
                times.recovered_at().map_or(Measured::Pending, |r| Measured::Value(r - times.occurred_at()))
            }
        }
    }

    /// Short name: `検知時間` / `Time to detect`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TimeMeasure::TimeToDetect, Lang::Ja) => "検知時間",
            (TimeMeasure::TimeToDetect, Lang::En) => "Time to detect",
            (TimeMeasure::TimeToRecover, Lang::Ja) => "復旧時間",
            (TimeMeasure::TimeToRecover, Lang::En) => "Time to recover",
        }
    }

    /// The definition of one incident's value, to show beside it:
    /// `復旧時間 = 復旧日時 − 発生日時`.
    pub fn definition(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TimeMeasure::TimeToDetect, Lang::Ja) => "検知時間 = 認識日時 − 発生日時",
            (TimeMeasure::TimeToDetect, Lang::En) => "Time to detect = detected − occurred",
            (TimeMeasure::TimeToRecover, Lang::Ja) => "復旧時間 = 復旧日時 − 発生日時",
            (TimeMeasure::TimeToRecover, Lang::En) => "Time to recover = recovered − occurred",
        }
    }

    /// The definition of the median over incidents, to show beside a median:
    /// `復旧時間 = 復旧日時 − 発生日時（中央値）`.
    pub fn median_definition(self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("{}（中央値）", self.definition(lang)),
            Lang::En => format!("{} (median)", self.definition(lang)),
        }
    }
}

/// The data-quality note beside a figure that left records out: `時刻が矛盾する3件を除外` /
/// `3 records with inconsistent times excluded`; `None` when none was.
pub fn excluded_note(inconsistent: u64, lang: Lang) -> Option<String> {
    (inconsistent > 0).then(|| match lang {
        Lang::Ja => format!("時刻が矛盾する{inconsistent}件を除外"),
        Lang::En if inconsistent == 1 => "1 record with inconsistent times excluded".to_string(),
        Lang::En => format!("{inconsistent} records with inconsistent times excluded"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn times(occ: &str, det: &str, rec: Option<&str>) -> IncidentTimes {
        let p = |s: &str| parse_timestamp(s).unwrap();
        IncidentTimes::new(p(occ), p(det), None, rec.map(p), None, None).unwrap()
    }

    #[test]
    fn recover_is_measured_from_occurrence() {
        let t = times("2024-05-01T09:00:00+09:00", "2024-05-01T09:10:00+09:00", Some("2024-05-01T12:00:00+09:00"));
        assert_eq!(TimeMeasure::TimeToDetect.of(&t), Measured::Value(Duration::minutes(10)));
        assert_eq!(TimeMeasure::TimeToRecover.of(&t), Measured::Value(Duration::minutes(180)));
        let open = times("2024-05-01T09:00:00+09:00", "2024-05-01T09:10:00+09:00", None);
        assert_eq!(TimeMeasure::TimeToRecover.of(&open), Measured::Pending);
        assert_eq!(TimeMeasure::TimeToDetect.of(&open).value(), Some(Duration::minutes(10)));
    }

    #[test]
    fn detected_after_recovery_measures_nothing() {
        let t = times("2024-05-01T09:00:00+09:00", "2024-05-03T09:00:00+09:00", Some("2024-05-01T10:00:00+09:00"));
        assert_eq!(t.inconsistency(), Some(TimeInconsistency::DetectedAfterRecovered));
        for m in TimeMeasure::ALL {
            assert_eq!(m.of(&t), Measured::Inconsistent);
        }
    }

    #[test]
    fn definitions_and_notes_are_bilingual() {
        assert_eq!(TimeMeasure::TimeToRecover.median_definition(Lang::Ja), "復旧時間 = 復旧日時 − 発生日時（中央値）");
        assert_eq!(
            TimeMeasure::TimeToRecover.median_definition(Lang::En),
            "Time to recover = recovered − occurred (median)"
        );
        assert_eq!(excluded_note(0, Lang::En), None);
        assert_eq!(excluded_note(3, Lang::En).as_deref(), Some("3 records with inconsistent times excluded"));
        assert_eq!(excluded_note(3, Lang::Ja).as_deref(), Some("時刻が矛盾する3件を除外"));
    }
}
