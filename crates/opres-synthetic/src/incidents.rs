//! Incidents: when, where, what kind, how long, how many affected, what was reported when.
//!
//! Each trend has a profile (systems it hits, duration and time-to-detect distributions, impact,
//! settlement effect, how often a vendor is involved). Times are drawn within the fiscal-year
//! window up to `now`; every later event that would fall after `now` has not happened yet.

use crate::GenParams;
use crate::institutions::{GenInstitution, GenSystem};
use crate::rng::{Gen, between, chance, lognormal, pick, weighted};
use crate::text::{self, Event, Facts, Langs, Situation};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc, Weekday};
use opres_domain::{
    Bilingual, Channel, Classification, FiscalYear, GoodPractice, Incident, IncidentRef, IncidentTimes, JST,
    ReportStageKind, ReportSubmission, ReportingPolicy, SettlementImpact, SystemCode, TimelineEntry, Trend, Trigger,
    Yen,
};

/// Shares of analysed incidents by trend (per mille-ish weights): misoperation and daily
/// operations common, DDoS and BCP rarer, with some `other` of each trigger.
const SHARES: &[(Trend, u32)] = &[
    (Trend::WorkMisoperation, 220),
    (Trend::ChangeOutsourcing, 100),
    (Trend::OperationsRedundancy, 100),
    (Trend::OperationsCapacity, 90),
    (Trend::OperationsStorage, 80),
    (Trend::OperationsOther, 70),
    (Trend::OperationsRecovery, 60),
    (Trend::WorkOther, 50),
    (Trend::ChangeOther, 45),
    (Trend::CyberMalware, 40),
    (Trend::CyberOther, 35),
    (Trend::CyberDdos, 30),
    (Trend::ChangeBcp, 25),
];

/// How a trend's incidents tend to look.
struct Profile {
    /// Systems it tends to hit, most likely first.
    systems: &'static [&'static str],
    /// Minutes from occurrence to recovery: median and spread.
    duration: (f64, f64),
    /// Minutes from occurrence to detection: median and spread.
    detect: (f64, f64),
    /// Customers affected (median) when customers are reached at all.
    customers: f64,
    /// Chances that settlement was delayed / stopped when the system settles.
    settlement: (f64, f64),
    /// Chance a vendor is named.
    vendor: f64,
}

fn profile(trend: Trend) -> Profile {
    let p = |systems, duration, detect, customers, settlement, vendor| Profile {
        systems,
        duration,
        detect,
        customers,
        settlement,
        vendor,
    };
    match trend {
        Trend::CyberDdos => p(
            &["IB", "MB", "ONLINE", "PORTAL", "API", "AUTH", "QR", "NET"],
            (180.0, 0.7),
            (5.0, 0.8),
            9000.0,
            (0.03, 0.0),
            0.1,
        ),
        Trend::CyberMalware => p(
            &["MAIL", "DWH", "CRM", "TELLER", "LOAN", "CC", "NET"],
            (2880.0, 0.8),
            (2880.0, 1.2),
            300.0,
            (0.02, 0.0),
            0.3,
        ),
        Trend::CyberOther => p(
            &["IB", "MB", "AUTH", "API", "ONLINE", "WALLET", "PORTAL"],
            (720.0, 1.0),
            (1440.0, 1.2),
            40.0,
            (0.0, 0.0),
            0.1,
        ),
        Trend::ChangeOutsourcing => p(
            &["CORE", "IB", "CARD", "ZENGIN", "POLICY", "CLAIMS", "TRADE", "WALLET", "BATCH"],
            (240.0, 1.0),
            (20.0, 1.0),
            5000.0,
            (0.2, 0.04),
            1.0,
        ),
        Trend::ChangeBcp => p(
            &["CORE", "ZENGIN", "TELLER", "ATM", "TRADE", "POLICY", "WALLET"],
            (1800.0, 0.7),
            (10.0, 0.8),
            90000.0,
            (0.4, 0.3),
            0.6,
        ),
        Trend::ChangeOther => p(
            &["IB", "MB", "API", "CARD", "QR", "ONLINE", "PORTAL", "LOAN"],
            (180.0, 1.0),
            (30.0, 1.0),
            2000.0,
            (0.08, 0.0),
            0.5,
        ),
        Trend::OperationsRedundancy => p(
            &["NET", "CORE", "ATM", "ZENGIN", "TRADE", "OMS", "AUTH", "WALLET"],
            (120.0, 0.8),
            (5.0, 0.7),
            6000.0,
            (0.2, 0.05),
            0.2,
        ),
        Trend::OperationsRecovery => p(
            &["CORE", "ATM", "ZENGIN", "IB", "TRADE", "CARD", "POLICY"],
            (420.0, 0.8),
            (10.0, 0.8),
            8000.0,
            (0.25, 0.1),
            0.25,
        ),
        Trend::OperationsStorage => p(
            &["BATCH", "DWH", "CORE", "ZENGIN", "AML", "OMS", "CLAIMS"],
            (150.0, 0.8),
            (20.0, 1.0),
            3000.0,
            (0.45, 0.05),
            0.15,
        ),
        Trend::OperationsCapacity => p(
            &["IB", "MB", "ONLINE", "OMS", "ATM", "QR", "WALLET", "ZENGIN"],
            (60.0, 0.7),
            (5.0, 0.8),
            15000.0,
            (0.25, 0.0),
            0.1,
        ),
        Trend::OperationsOther => {
            p(&["NET", "CORE", "ATM", "CC", "FX", "CARD"], (120.0, 1.0), (10.0, 1.0), 3000.0, (0.1, 0.02), 0.15)
        }
        Trend::WorkMisoperation => p(
            &["NET", "CORE", "ZENGIN", "IB", "BATCH", "CARD", "FX", "ATM"],
            (75.0, 0.9),
            (15.0, 1.0),
            2500.0,
            (0.15, 0.03),
            0.3,
        ),
        Trend::WorkOther => {
            p(&["CORE", "BATCH", "IB", "FX", "AUTH"], (120.0, 1.0), (30.0, 1.0), 2000.0, (0.1, 0.0), 0.2)
        }
        Trend::Unknown => p(&[], (90.0, 1.0), (15.0, 1.0), 1500.0, (0.1, 0.0), 0.1),
    }
}

/// A trend that often accompanies the primary one.
fn secondary_for(trend: Trend) -> &'static [Trend] {
    match trend {
        Trend::WorkMisoperation => &[Trend::OperationsRecovery, Trend::ChangeOutsourcing],
        Trend::OperationsRedundancy => &[Trend::OperationsRecovery],
        Trend::ChangeOutsourcing => &[Trend::WorkMisoperation, Trend::ChangeBcp],
        Trend::ChangeBcp => &[Trend::OperationsRecovery, Trend::ChangeOutsourcing],
        Trend::OperationsCapacity => &[Trend::OperationsRecovery],
        Trend::OperationsStorage => &[Trend::WorkMisoperation],
        Trend::CyberMalware => &[Trend::ChangeOutsourcing],
        Trend::CyberDdos => &[Trend::OperationsCapacity],
        _ => &[],
    }
}

/// The first draw for an incident: enough to sort incidents by time before naming them.
struct Skeleton {
    institution: usize,
    occurred: DateTime<Utc>,
    trend: Trend,
    situation: Situation,
}

/// Generates the incidents, sorted by occurrence, references numbered per institution and fiscal year.
pub(crate) fn generate(
    rng: &mut Gen,
    params: &GenParams,
    institutions: &[GenInstitution],
    systems: &[Vec<GenSystem>],
) -> Vec<Incident> {
    if institutions.is_empty() || params.incidents == 0 {
        return Vec::new();
    }
    let now = params.now;
    let years = params.fiscal_years.max(1) as i32;
    let start = FiscalYear(FiscalYear::of(&now).0 - (years - 1)).start();
    let weights: Vec<(usize, u32)> = institutions.iter().enumerate().map(|(i, g)| (i, g.weight)).collect();

    let mut skeletons: Vec<Skeleton> = (0..params.incidents)
        .map(|_| {
            let institution = *weighted(rng, &weights);
            let named = *weighted(rng, SHARES);
            let situation = *weighted(rng, text::situation_weights(named));
            let occurred = occurrence(rng, start, now, situation);
            // Recent incidents are often not analysed yet; old ones almost always are, and after a
            // year every one is (an unknown cause keeps monthly status reports going, issue 12).
            let age_days = (now - occurred).num_days();
            let p_unknown = match age_days {
                0..=44 => 0.55,
                45..=179 => 0.05,
                180..=364 => 0.005,
                _ => 0.0,
            };
            let trend = if chance(rng, p_unknown) { Trend::Unknown } else { named };
            Skeleton { institution, occurred, trend, situation }
        })
        .collect();
    skeletons.sort_by_key(|s| s.occurred);

    let policy = ReportingPolicy::default();
    let mut counters: std::collections::HashMap<(usize, i32), u32> = std::collections::HashMap::new();
    skeletons
        .into_iter()
        .filter_map(|s| {
            let fy = FiscalYear::of(&s.occurred).0;
            let n = counters.entry((s.institution, fy)).or_insert(0);
            *n += 1;
            let reference = format!("{}-{fy}-{:04}", institutions[s.institution].institution.code, n);
            // `build` gives None only if a time order or reference were invalid, which its
            // construction rules out; the generator stays total without panicking.
            build(rng, &s, reference, &institutions[s.institution], &systems[s.institution], now, &policy)
        })
        .collect()
}

/// An instant in `[start, now]`, more of them in recent years (registers grow), at an hour the
/// situation favours, moved to a peak day or a weekend where the situation says so.
fn occurrence(rng: &mut Gen, start: DateTime<Utc>, now: DateTime<Utc>, situation: Situation) -> DateTime<Utc> {
    let span = (now - start).num_seconds().max(1);
    for _ in 0..16 {
        // Density rising linearly by half over the window (rejection sampling).
        let x = rng.random_unit();
        if !chance(rng, (1.0 + 0.5 * x) / 1.5) {
            continue;
        }
        let at = start + Duration::seconds((x * span as f64) as i64);
        let mut date = at.with_timezone(&JST).date_naive();
        match situation {
            Situation::PeakDay => date = peak_day(rng, date),
            Situation::Weekend => {
                while !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                    date = date.pred_opt().unwrap_or(date);
                }
            }
            Situation::AfterHoliday => {
                while date.weekday() != Weekday::Mon {
                    date = date.pred_opt().unwrap_or(date);
                }
            }
            _ => {}
        }
        let (h0, h1) = text::hours(situation);
        let hour = between(rng, i64::from(h0), i64::from(h1)) as u32;
        let (date, hour) = if hour >= 24 { (date.succ_opt().unwrap_or(date), hour - 24) } else { (date, hour) };
        let minute = between(rng, 0, 59) as u32;
        let second = between(rng, 0, 59) as u32;
        let Some(t) = date.and_hms_opt(hour, minute, second).and_then(|d| JST.from_local_datetime(&d).single()) else {
            continue;
        };
        let t = t.with_timezone(&Utc);
        if t >= start && t <= now {
            return t;
        }
    }
    start + Duration::seconds(between(rng, 0, span))
}

/// The 25th (salary day) or the last day of the month, else the day itself.
fn peak_day(rng: &mut Gen, date: NaiveDate) -> NaiveDate {
    if chance(rng, 0.5) {
        date.with_day(25).unwrap_or(date)
    } else if chance(rng, 0.6) {
        let first_next = date.with_day(1).and_then(|d| d.checked_add_months(Months::new(1)));
        first_next.and_then(|d| d.pred_opt()).unwrap_or(date)
    } else {
        date
    }
}

fn minutes(m: f64) -> Duration {
    Duration::seconds((m * 60.0).round() as i64)
}

/// `t` if it has happened by `now`.
fn by(now: DateTime<Utc>, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (t <= now).then_some(t)
}

/// A uniform draw in `[lo, hi]` minutes.
fn mins(rng: &mut Gen, lo: i64, hi: i64) -> Duration {
    Duration::minutes(between(rng, lo, hi))
}

fn build(
    rng: &mut Gen,
    s: &Skeleton,
    reference: String,
    ins: &GenInstitution,
    systems: &[GenSystem],
    now: DateTime<Utc>,
    policy: &ReportingPolicy,
) -> Option<Incident> {
    let trend = s.trend;
    let prof = profile(trend);
    let analysed = trend != Trend::Unknown;

    // Systems: one the trend tends to hit if the institution runs it, sometimes a second.
    let preferred: Vec<&GenSystem> = systems.iter().filter(|g| prof.systems.contains(&g.kind.code)).collect();
    let primary = if !preferred.is_empty() && chance(rng, 0.85) { *pick(rng, &preferred) } else { pick(rng, systems) };
    let mut affected = vec![primary];
    if chance(rng, 0.3) {
        let other = pick(rng, systems);
        if other.kind.code != primary.kind.code {
            affected.push(other);
        }
    }
    let mut channels: Vec<Channel> = Vec::new();
    for g in &affected {
        for c in g.kind.channels {
            if !channels.contains(c) {
                channels.push(*c);
            }
        }
    }

    // Times.
    let occurred = s.occurred;
    let detected = (occurred + minutes(lognormal(rng, prof.detect.0, prof.detect.1))).min(now);
    let duration = lognormal(rng, prof.duration.0, prof.duration.1).clamp(3.0, 14.0 * 24.0 * 60.0);
    // Recent incidents are sometimes still open: long fixes, or recovery not yet confirmed.
    let still_open = now - occurred < Duration::days(21) && chance(rng, 0.3);
    let recovered = if still_open { None } else { by(now, (occurred + minutes(duration)).max(detected)) };
    // A first report is missing only for a recent incident; an older one was sent, perhaps late.
    let first_reported = if chance(rng, 0.99) || now - detected > Duration::days(30) {
        let delay = if chance(rng, 0.9) { mins(rng, 8, 58) } else { mins(rng, 65, 360) };
        by(now, detected + delay)
    } else {
        None
    };
    let age = now - occurred;
    let cause_found_p = if !analysed {
        0.0
    } else if age < Duration::days(120) {
        0.85
    } else if age < Duration::days(365) {
        0.97
    } else {
        1.0
    };
    let cause_identified = if chance(rng, cause_found_p) {
        let base = recovered.unwrap_or(detected);
        by(now, base + minutes(lognormal(rng, 2.0 * 24.0 * 60.0, 1.1)))
    } else {
        None
    };

    // Impact.
    let reaches_customers = !channels.is_empty();
    let customers = if !reaches_customers {
        if chance(rng, 0.5) { Some(0) } else { None }
    } else if chance(rng, 0.1) {
        None // not yet counted
    } else {
        let size = f64::from(ins.weight) / 3.0;
        Some((lognormal(rng, prof.customers * size, 1.2).round() as u64).max(1))
    };
    let transactions = customers.filter(|c| *c > 0).map(|c| ((c as f64) * lognormal(rng, 0.8, 0.6)).round() as u64);
    let moves_money = channels
        .iter()
        .any(|c| matches!(c, Channel::FundTransfer | Channel::Atm | Channel::Card | Channel::SecuritiesTrading))
        || affected.iter().any(|g| g.kind.settles);
    let value = transactions
        .filter(|_| moves_money)
        .map(|t| Yen::new(((t as f64) * lognormal(rng, 60_000.0, 1.0)).round() as u64));
    let settles = affected.iter().any(|g| g.kind.settles);
    let settlement = if !settles {
        SettlementImpact::None
    } else {
        let x = rng.random_unit();
        if x < prof.settlement.1 {
            SettlementImpact::Stopped
        } else if x < prof.settlement.0 + prof.settlement.1 {
            SettlementImpact::Delayed
        } else {
            SettlementImpact::None
        }
    };

    // Classification.
    let classification = if analysed {
        Classification::from_trend(trend)
    } else if chance(rng, 0.8) {
        Classification::UNKNOWN
    } else {
        let tg = *pick(rng, &[Trigger::Operations, Trigger::Work, Trigger::Change, Trigger::Cyber]);
        Classification::new(tg, Trend::Unknown).unwrap_or(Classification::UNKNOWN)
    };
    let cyber_attack = classification.trigger() == Trigger::Cyber;
    let options = secondary_for(trend);
    let secondary_trends =
        if analysed && !options.is_empty() && chance(rng, 0.12) { vec![*pick(rng, options)] } else { Vec::new() };
    let outsourced = secondary_trends.contains(&Trend::ChangeOutsourcing) || chance(rng, prof.vendor);
    let vendor = outsourced.then(|| (*pick(rng, text::VENDORS)).to_string());

    let big = customers.unwrap_or(0);
    let announce_p = if big >= 10_000 {
        0.8
    } else if big >= 1_000 {
        0.35
    } else if matches!(trend, Trend::CyberMalware | Trend::CyberOther) {
        0.4
    } else {
        0.05
    };
    let publicly_announced = chance(rng, announce_p);
    let good_practice = analysed && recovered.is_some() && chance(rng, 0.035);

    let langs = *weighted(rng, &[(Langs::Both, 58), (Langs::Ja, 30), (Langs::En, 12)]);
    let facts = Facts {
        trend,
        langs,
        system: primary.kind,
        institution_ja: &ins.institution.name_ja,
        channel: primary.kind.channels.first().copied(),
        channels: &channels,
        situation: s.situation,
        occurred: occurred.with_timezone(&JST),
        recovered: recovered.map(|r| r.with_timezone(&JST)),
        customers,
        transactions,
        settlement,
        analysed,
        cause_known: cause_identified.is_some(),
        secondary: secondary_trends.first().copied(),
        good_practice,
    };
    let t = text::compose(rng, &facts);

    let report_submissions = submissions(rng, policy, detected, recovered, cause_identified, now);
    // Closed once recovered, the cause found and the reports in, some time later.
    let closed_at = match (recovered, cause_identified) {
        (Some(r), Some(c)) if chance(rng, 0.9) => {
            let last = report_submissions.iter().map(|s| s.submitted_at).max().unwrap_or(c).max(c).max(r);
            by(now, last + Duration::days(between(rng, 1, 30)))
        }
        _ => None,
    };

    let mut timeline = Vec::new();
    let mut entry = |rng: &mut Gen, at: Option<DateTime<Utc>>, ev: Event| {
        if let Some(at) = at {
            timeline.push(TimelineEntry { at, text: text::timeline_text(rng, ev, t.ja, primary.kind) });
        }
    };
    if chance(rng, 0.8) {
        entry(rng, Some(occurred), Event::Occurred);
    }
    entry(rng, Some(detected), Event::Detected);
    entry(rng, first_reported, Event::FirstReport);
    if chance(rng, 0.6) {
        let at = match recovered {
            Some(r) => detected + Duration::seconds((r - detected).num_seconds() / 3),
            None => detected + mins(rng, 10, 90),
        };
        entry(rng, by(now, at), Event::Interim);
    }
    entry(rng, recovered, Event::Recovered);
    entry(rng, cause_identified, Event::CauseIdentified);
    timeline.sort_by_key(|e| e.at);

    let times = IncidentTimes::new(occurred, detected, first_reported, recovered, cause_identified, closed_at).ok()?;

    Some(Incident {
        reference: IncidentRef::parse(&reference).ok()?,
        institution: ins.institution.code.clone(),
        title: Bilingual::new(t.title.0, t.title.1),
        description: Bilingual::new(t.description.0, t.description.1),
        times,
        channels,
        affected_systems: affected.iter().filter_map(|g| SystemCode::parse(g.kind.code).ok()).collect(),
        customers_affected: customers,
        transactions_affected: transactions,
        transaction_value: value,
        settlement_impact: settlement,
        cyber_attack,
        classification,
        secondary_trends,
        vendor,
        root_cause: if cause_identified.is_some() { t.root_cause } else { None },
        interim_measures: t.interim,
        recurrence_prevention: if cause_identified.is_some() { t.prevention } else { None },
        customer_handling: t.handling,
        publicly_announced,
        good_practice: t.good_note.map(|note| GoodPractice { note }),
        timeline,
        report_submissions,
    })
}

/// Reports after the first one: mostly on time, some late, a few recent ones missing (so the
/// overdue view has content; an older one is sent late, never forgotten), never after `now`. The k-th status report answers the k-th monthly due date; after
/// a missing one the institution sends no more, so later ones are not misread as answering it.
fn submissions(
    rng: &mut Gen,
    policy: &ReportingPolicy,
    detected: DateTime<Utc>,
    recovered: Option<DateTime<Utc>>,
    cause: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<ReportSubmission> {
    let mut out = Vec::new();
    let mut submit = |rng: &mut Gen, stage: ReportStageKind, from: DateTime<Utc>, due: DateTime<Utc>| -> bool {
        let x = rng.random_unit();
        let at = if x < 0.88 {
            let room = (due - from).num_minutes().max(1);
            Some(from + Duration::minutes(between(rng, room / 10, room)))
        } else if x < 0.99 || now - due > Duration::days(30) {
            Some(due + mins(rng, 60, 10 * 24 * 60))
        } else {
            None
        };
        match at.and_then(|a| by(now, a)) {
            Some(submitted_at) => {
                out.push(ReportSubmission { stage, submitted_at });
                true
            }
            None => false,
        }
    };
    submit(rng, ReportStageKind::WrittenReport, detected, detected + policy.written_report_within);
    if let Some(r) = recovered {
        submit(rng, ReportStageKind::RecoveryReport, r, r + policy.recovery_report_within);
    }
    if let Some(c) = cause {
        submit(rng, ReportStageKind::CauseReport, c, c + policy.cause_report_within);
    }
    let every = policy.status_report_every_months.max(1);
    for k in 1..=120u32 {
        let Some(due) = detected.checked_add_months(Months::new(every * k)) else { break };
        if cause.is_some_and(|c| c <= due) || due - Duration::days(7) > now {
            break;
        }
        if !submit(rng, ReportStageKind::StatusReport, due - Duration::days(7), due) {
            break;
        }
    }
    out.sort_by_key(|s| (s.submitted_at, s.stage));
    out
}

/// A uniform draw in `[0, 1)`.
trait Unit {
    fn random_unit(&mut self) -> f64;
}

impl Unit for Gen {
    fn random_unit(&mut self) -> f64 {
        rand::RngExt::random::<f64>(self)
    }
}
