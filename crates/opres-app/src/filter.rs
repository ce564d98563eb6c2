//! Incident filters as people write them (query strings, command-line options), parsed with
//! every problem reported.

use chrono::{NaiveDate, TimeZone, Utc};
use opres_domain::JST;
use opres_domain::time::{TimestampError, parse_timestamp};
use opres_domain::{
    Channel, FiscalYear, IncidentStatus, InstitutionCode, Problem, Timestamp, Trend, Trigger, ValidationErrors,
};
use opres_store::{DisplayZone, IncidentFilter, IncidentQuery, IncidentSort};

/// A filter as written: every value is text until parsed.
#[derive(Debug, Clone, Default)]
pub struct FilterParams {
    /// Institution codes.
    pub institutions: Vec<String>,
    /// Fiscal year, `2024` or `FY2024`.
    pub fy: Option<String>,
    /// Occurred at or after (RFC 3339 with offset).
    pub from: Option<String>,
    /// Occurred before (RFC 3339 with offset).
    pub to: Option<String>,
    /// Trigger code.
    pub trigger: Option<String>,
    /// Trend code.
    pub trend: Option<String>,
    /// Channel code.
    pub channel: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// `true` / `false`.
    pub cyber: Option<String>,
    /// Free text.
    pub text: Option<String>,
    /// When set, `from` and `to` are calendar days (`YYYY-MM-DD`, the web form's date inputs)
    /// in this zone, `to` including its whole day; otherwise RFC 3339 instants with an offset.
    pub days_in: Option<DisplayZone>,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Free search text without control characters (a NUL reaching PostgreSQL is a server error, and no
/// stored text holds one: validation refuses them); `None` when nothing else is left.
pub fn search_text(raw: &Option<String>) -> Option<String> {
    let cleaned: String = raw
        .as_deref()?
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_string())
}

/// Parses a code from its list, recording an unknown one.
pub fn code_param<T: Copy>(
    errs: &mut ValidationErrors,
    field: &str,
    raw: &Option<String>,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Option<T> {
    let raw = blank(raw)?;
    let found = all.iter().copied().find(|v| code(*v) == raw);
    if found.is_none() {
        errs.push(field, Problem::UnknownCode { value: raw.into(), expected: all.iter().map(|v| code(*v)).collect() });
    }
    found
}

/// Parses an RFC 3339 timestamp with offset, recording a bad one.
pub fn time_param(errs: &mut ValidationErrors, field: &str, raw: &Option<String>) -> Option<Timestamp> {
    let raw = blank(raw)?;
    match parse_timestamp(raw) {
        Ok(t) => Some(t),
        Err(TimestampError::NoOffset) => {
            errs.push(field, Problem::TimestampWithoutOffset { value: raw.into() });
            None
        }
        Err(TimestampError::Malformed) => {
            errs.push(field, Problem::TimestampMalformed { value: raw.into() });
            None
        }
    }
}

/// `YYYY-MM-DD` in `zone` → RFC 3339 at that day's midnight (plus `days`).
fn day_start(raw: &str, zone: DisplayZone, days: i64) -> Option<String> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()? + chrono::Duration::days(days);
    let t = d.and_hms_opt(0, 0, 0)?;
    Some(match zone {
        DisplayZone::Jst => JST.from_local_datetime(&t).single()?.to_rfc3339(),
        DisplayZone::Utc => Utc.from_utc_datetime(&t).to_rfc3339(),
    })
}

/// A calendar day in `zone` as a timestamp, recording a bad one.
fn day_param(
    errs: &mut ValidationErrors,
    field: &str,
    raw: &Option<String>,
    zone: DisplayZone,
    days: i64,
) -> Option<Timestamp> {
    let raw = blank(raw)?;
    match day_start(raw, zone, days) {
        Some(t) => time_param(errs, field, &Some(t)),
        None => {
            errs.push(field, Problem::TimestampMalformed { value: raw.into() });
            None
        }
    }
}

impl FilterParams {
    /// Parses into a filter narrowed to `scope` (the institutions the caller may see; `None`: all).
    pub fn parse(&self, scope: Option<&[InstitutionCode]>) -> Result<IncidentFilter, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut institutions: Option<Vec<InstitutionCode>> = None;
        let asked: Vec<&str> = self.institutions.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if !asked.is_empty() {
            let mut codes = Vec::new();
            for c in asked {
                match InstitutionCode::parse(c) {
                    Ok(code) => codes.push(code),
                    Err(err) => e.push("institution", Problem::from(err)),
                }
            }
            institutions = Some(codes);
        }
        if let Some(scope) = scope {
            institutions = Some(match institutions {
                Some(asked) => asked.into_iter().filter(|c| scope.contains(c)).collect(),
                None => scope.to_vec(),
            });
        }
        let (mut from, mut before) = match self.days_in {
            None => (time_param(&mut e, "from", &self.from), time_param(&mut e, "to", &self.to)),
            Some(zone) => (day_param(&mut e, "from", &self.from, zone, 0), day_param(&mut e, "to", &self.to, zone, 1)),
        };
        if let Some(fy) = blank(&self.fy) {
            match fy.trim_start_matches("FY").parse::<i32>() {
                Ok(y) if (1990..=2200).contains(&y) => {
                    let fy = FiscalYear(y);
                    from = Some(from.map_or(fy.start(), |f| f.max(fy.start())));
                    before = Some(before.map_or(fy.end(), |b| b.min(fy.end())));
                }
                _ => e.push("fy", Problem::NotANumber { value: fy.into() }),
            }
        }
        let cyber_attack = match blank(&self.cyber) {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                e.push("cyber", Problem::NotABoolean { value: other.into() });
                None
            }
        };
        let filter = IncidentFilter {
            institutions,
            occurred_from: from,
            occurred_before: before,
            trigger: code_param(&mut e, "trigger", &self.trigger, &Trigger::ALL, Trigger::code),
            trend: code_param(&mut e, "trend", &self.trend, &Trend::ALL, Trend::code),
            channel: code_param(&mut e, "channel", &self.channel, &Channel::ALL, Channel::code),
            status: code_param(&mut e, "status", &self.status, &IncidentStatus::ALL, IncidentStatus::code),
            cyber_attack,
            text: search_text(&self.text),
        };
        e.into_result(|| filter)
    }
}

/// Page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;

/// A request for a page of incidents as a front end received it (the list page's query string,
/// the API's query parameters, the command line's options): every value is text until parsed,
/// here, once, with every problem located.
#[derive(Debug, Clone, Default)]
pub struct IncidentListRequest {
    /// Which incidents.
    pub filter: FilterParams,
    /// Sort key code (`occurred_at`, `reference`, …; default `occurred_at`).
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    pub order: Option<String>,
    /// Page size, 1–1000 (default 50).
    pub limit: Option<String>,
    /// Rows to skip.
    pub offset: Option<String>,
    /// 1-based page number (instead of `offset`: rows skipped are `(page − 1) × limit`).
    pub page: Option<String>,
    /// `exact` to count every match; otherwise counting stops at the cap.
    pub count: Option<String>,
}

/// An incident list request, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Filter (narrowed to the actor's scope), sort and page.
    pub query: IncidentQuery,
    /// The 1-based page number the offset falls on.
    pub page_no: u64,
    /// Count every match rather than stopping at the cap.
    pub exact_count: bool,
}

pub(crate) fn number_param(errs: &mut ValidationErrors, field: &str, raw: &Option<String>) -> Option<u64> {
    let raw = blank(raw)?;
    match raw.parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(field, Problem::NotANumber { value: raw.into() });
            None
        }
    }
}

impl IncidentListRequest {
    /// Parses filter, sort and paging, narrowing the filter to `scope` (`None`: all); a bad
    /// value is refused, never silently replaced by a default.
    pub fn parse(&self, scope: Option<&[InstitutionCode]>) -> Result<ListQuery, ValidationErrors> {
        let filter = self.filter.parse(scope);
        let mut e = filter.as_ref().err().cloned().unwrap_or_default();
        let sort = match blank(&self.sort) {
            None => IncidentSort::default(),
            Some(s) => IncidentSort::parse(s).unwrap_or_else(|| {
                e.push(
                    "sort",
                    Problem::UnknownCode {
                        value: s.into(),
                        expected: IncidentSort::ALL.iter().map(|s| s.code()).collect(),
                    },
                );
                IncidentSort::default()
            }),
        };
        let descending = match blank(&self.order) {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(o) => {
                e.push("order", Problem::UnknownCode { value: o.into(), expected: vec!["asc", "desc"] });
                true
            }
        };
        let limit = number_param(&mut e, "limit", &self.limit).unwrap_or(u64::from(DEFAULT_LIMIT));
        if !(1..=1000).contains(&limit) {
            e.push("limit", Problem::BadFormat { value: limit.to_string(), hint: "1–1000" });
        }
        let limit = u32::try_from(limit).unwrap_or(DEFAULT_LIMIT).clamp(1, 1000);
        let page = number_param(&mut e, "page", &self.page);
        let offset = match (number_param(&mut e, "offset", &self.offset), page) {
            (Some(offset), _) => offset,
            (None, Some(page)) => page.max(1).saturating_sub(1).saturating_mul(u64::from(limit)),
            (None, None) => 0,
        };
        let exact_count = blank(&self.count) == Some("exact");
        match filter {
            Ok(filter) if e.is_empty() => Ok(ListQuery {
                query: IncidentQuery { filter, sort, descending, limit, offset },
                page_no: offset / u64::from(limit) + 1,
                exact_count,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_parameter_is_reported() {
        let p = FilterParams {
            fy: Some("twenty".into()),
            from: Some("2024-01-01".into()),
            trend: Some("disk".into()),
            cyber: Some("maybe".into()),
            ..Default::default()
        };
        let errs = p.parse(None).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["from", "fy", "cyber", "trend"]);
    }

    #[test]
    fn sort_order_and_paging_are_parsed_with_every_problem() {
        let r = IncidentListRequest {
            sort: Some("reference".into()),
            order: Some("asc".into()),
            page: Some("3".into()),
            limit: Some("20".into()),
            ..Default::default()
        };
        let q = r.parse(None).unwrap();
        assert_eq!(
            (q.query.sort, q.query.descending, q.query.limit, q.query.offset),
            (IncidentSort::Reference, false, 20, 40)
        );
        assert_eq!(q.page_no, 3);
        let bad = IncidentListRequest {
            filter: FilterParams { trend: Some("disk".into()), ..Default::default() },
            sort: Some("colour".into()),
            order: Some("sideways".into()),
            limit: Some("0".into()),
            ..Default::default()
        };
        let fields: Vec<_> = bad.parse(None).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["trend", "sort", "order", "limit"]);
    }

    #[test]
    fn days_are_read_in_the_zone_asked_for() {
        let p = FilterParams {
            from: Some("2024-05-01".into()),
            to: Some("2024-05-01".into()),
            days_in: Some(DisplayZone::Jst),
            ..Default::default()
        };
        let f = p.parse(None).unwrap();
        assert_eq!(f.occurred_from, Some(parse_timestamp("2024-05-01T00:00:00+09:00").unwrap()));
        assert_eq!(f.occurred_before, Some(parse_timestamp("2024-05-02T00:00:00+09:00").unwrap()));
        let bad = FilterParams { from: Some("May".into()), days_in: Some(DisplayZone::Utc), ..Default::default() };
        assert_eq!(bad.parse(None).unwrap_err().iter().next().map(|e| e.field.as_str()), Some("from"));
        assert_eq!(day_start("2024-05-01", DisplayZone::Jst, 1).as_deref(), Some("2024-05-02T00:00:00+09:00"));
    }

    #[test]
    fn scope_narrows_what_was_asked() {
        let a = InstitutionCode::parse("A").unwrap();
        let p = FilterParams { institutions: vec!["A".into(), "B".into()], ..Default::default() };
        assert_eq!(p.parse(Some(std::slice::from_ref(&a))).unwrap().institutions, Some(vec![a.clone()]));
        let f = FilterParams { fy: Some("2024".into()), ..Default::default() }.parse(None).unwrap();
        assert_eq!(f.occurred_from, Some(FiscalYear(2024).start()));
        assert_eq!(f.occurred_before, Some(FiscalYear(2024).end()));
    }
}
