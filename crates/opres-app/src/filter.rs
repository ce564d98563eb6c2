//! Incident filters as people write them (query strings, command-line options), parsed with
//! every problem reported.

use opres_domain::time::{TimestampError, parse_timestamp};
use opres_domain::{
    Channel, FiscalYear, IncidentStatus, InstitutionCode, Problem, Timestamp, Trend, Trigger, ValidationErrors,
};
use opres_store::IncidentFilter;

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
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
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
        let (mut from, mut before) = (time_param(&mut e, "from", &self.from), time_param(&mut e, "to", &self.to));
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
            text: blank(&self.text).map(str::to_string),
        };
        e.into_result(|| filter)
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
    fn scope_narrows_what_was_asked() {
        let a = InstitutionCode::parse("A").unwrap();
        let p = FilterParams { institutions: vec!["A".into(), "B".into()], ..Default::default() };
        assert_eq!(p.parse(Some(std::slice::from_ref(&a))).unwrap().institutions, Some(vec![a.clone()]));
        let f = FilterParams { fy: Some("2024".into()), ..Default::default() }.parse(None).unwrap();
        assert_eq!(f.occurred_from, Some(FiscalYear(2024).start()));
        assert_eq!(f.occurred_before, Some(FiscalYear(2024).end()));
    }
}
