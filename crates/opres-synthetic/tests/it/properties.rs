//! Properties for any parameters: valid through the raw records unchanged, deterministic, nothing
//! after `now`, references unique and pointing at generated institutions and systems.

use crate::now;
use chrono::Duration;
use opres_domain::{FiscalYear, IncidentRecord, InstitutionRecord, SystemRecord};
use opres_synthetic::{GenParams, generate};
use proptest::prelude::*;
use std::collections::HashSet;

fn params() -> impl Strategy<Value = GenParams> {
    (1usize..12, 0usize..120, any::<u64>(), 0i64..3_000, 0u32..7).prop_map(
        |(institutions, incidents, seed, back, fy)| GenParams {
            institutions,
            incidents,
            seed,
            now: now() - Duration::days(back),
            fiscal_years: fy,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_record_passes_validation_unchanged(p in params()) {
        let data = generate(&p);
        prop_assert_eq!(data.incidents.len(), p.incidents);
        for i in &data.institutions {
            prop_assert_eq!(&InstitutionRecord::from(i).validate().unwrap(), i);
        }
        for s in &data.systems {
            prop_assert_eq!(&SystemRecord::from(s).validate().unwrap(), s);
        }
        for i in &data.incidents {
            match IncidentRecord::from(i).validate() {
                Ok(back) => prop_assert_eq!(&back, i),
                Err(e) => prop_assert!(false, "{}: {}", i.reference, e),
            }
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_data(p in params()) {
        let a = serde_json::to_vec(&generate(&p)).unwrap();
        let b = serde_json::to_vec(&generate(&p)).unwrap();
        prop_assert_eq!(&a, &b);
        let other = generate(&GenParams { seed: p.seed.wrapping_add(1), ..p });
        prop_assert_ne!(serde_json::to_vec(&other).unwrap(), a);
    }

    #[test]
    fn nothing_happens_after_now_or_before_the_window(p in params()) {
        let data = generate(&p);
        let start = FiscalYear(FiscalYear::of(&p.now).0 - (p.fiscal_years.max(1) as i32 - 1)).start();
        for i in &data.incidents {
            let t = &i.times;
            prop_assert!(t.occurred_at() >= start && t.occurred_at() <= p.now, "{}", i.reference);
            let later = [t.detected_at()].into_iter()
                .chain(t.first_reported_at())
                .chain(t.recovered_at())
                .chain(t.cause_identified_at())
                .chain(t.closed_at())
                .chain(i.timeline.iter().map(|e| e.at))
                .chain(i.report_submissions.iter().map(|s| s.submitted_at));
            for at in later {
                prop_assert!(at <= p.now, "{} has {} after now {}", i.reference, at, p.now);
            }
        }
    }

    #[test]
    fn references_are_unique_and_point_at_generated_records(p in params()) {
        let data = generate(&p);
        let refs: HashSet<_> = data.incidents.iter().map(|i| &i.reference).collect();
        prop_assert_eq!(refs.len(), data.incidents.len());
        let institutions: HashSet<_> = data.institutions.iter().map(|i| &i.code).collect();
        prop_assert_eq!(institutions.len(), data.institutions.len());
        let systems: HashSet<_> = data.systems.iter().map(|s| (&s.institution, &s.code)).collect();
        prop_assert_eq!(systems.len(), data.systems.len());
        for i in &data.incidents {
            prop_assert!(institutions.contains(&i.institution));
            for s in &i.affected_systems {
                prop_assert!(systems.contains(&(&i.institution, s)), "{} names {}", i.reference, s);
            }
        }
    }
}
