//! Scorecard figures (API.md, RULES.md): counts of cases and survey answers
//! turned into rates, averages, targets and ranks. Pure; the caller counts.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::sampling::{dissatisfied, satisfied};

/// The normal quantile for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Lower bound of the Wilson score interval (95%) for a rate `p` over `n`
/// answers; `None` without answers. Few answers give a low bound, so a team
/// cannot top a ranking by chance.
pub fn wilson_lower(p: f64, n: i64) -> Option<f64> {
    if n <= 0 {
        return None;
    }
    let n = n as f64;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let margin = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - margin) / (1.0 + z2 / n)).max(0.0))
}

/// The median of values counted by value (value → how many times); the mean
/// of the two middle ones for an even count.
pub fn median(counts: &BTreeMap<i64, i64>) -> Option<f64> {
    let n: i64 = counts.values().filter(|c| **c > 0).sum();
    if n == 0 {
        return None;
    }
    // The values at the two middle places (the same one for an odd count), 0-based.
    let (low, high) = ((n - 1) / 2, n / 2);
    let (mut seen, mut at_low) = (0, None);
    for (value, count) in counts.iter().filter(|(_, c)| **c > 0) {
        seen += count;
        if at_low.is_none() && seen > low {
            at_low = Some(*value);
        }
        if seen > high {
            return at_low.map(|l| (l + value) as f64 / 2.0);
        }
    }
    None
}

/// What one team did in one period, counted case by case.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Cases received in the period.
    pub received: i64,
    /// Of those, still open.
    pub open: i64,
    /// Of those, open and past due.
    pub overdue: i64,
    /// Cases resolved in the period by their processing days (days → cases):
    /// a year's cases are a few dozen entries, not a vector of each.
    pub processing_days: BTreeMap<i64, i64>,
    /// Of those, resolved by their due date (extensions and holds included).
    pub on_time: i64,
    /// Resolved cases drawn for a survey: links emailed and calls made or due.
    pub surveys_sent: i64,
    /// Answered surveys.
    pub responses: i64,
    /// Sum of process scores.
    pub process_sum: i64,
    /// Sum of result scores.
    pub result_sum: i64,
    /// Answers scoring the process 4 or 5.
    pub process_satisfied: i64,
    /// Answers scoring the result 4 or 5.
    pub result_satisfied: i64,
    /// Answers scoring either question 2 or less.
    pub dissatisfied: i64,
    /// Resolved cases and responses by (year, kind), to weigh yearly targets.
    pub mix: BTreeMap<(i32, String), (i64, i64)>,
}

/// A survey of a resolved case, as far as it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyState {
    /// None was sent or taken.
    None,
    /// Sent, not answered.
    Sent,
    /// Answered with process and result scores.
    Answered(i32, i32),
}

impl Tally {
    /// Counts one case resolved in the period, in `year`, of `kind`.
    pub fn add_resolved(&mut self, year: i32, kind: &str, processing_days: i64, on_time: bool, survey: SurveyState) {
        self.add_alike(year, kind, processing_days, on_time, survey, 1);
    }

    /// Adds `n` resolved cases alike in everything counted (one group of the store's).
    pub fn add_alike(
        &mut self,
        year: i32,
        kind: &str,
        processing_days: i64,
        on_time: bool,
        survey: SurveyState,
        n: i64,
    ) {
        let n = n.max(0);
        if n == 0 {
            return;
        }
        *self.processing_days.entry(processing_days).or_default() += n;
        self.on_time += on_time as i64 * n;
        let mix = self.mix.entry((year, kind.to_string())).or_default();
        mix.0 += n;
        match survey {
            SurveyState::None => {}
            SurveyState::Sent => self.surveys_sent += n,
            SurveyState::Answered(process, result) => {
                mix.1 += n;
                self.surveys_sent += n;
                self.responses += n;
                self.process_sum += process as i64 * n;
                self.result_sum += result as i64 * n;
                self.process_satisfied += satisfied(process) as i64 * n;
                self.result_satisfied += satisfied(result) as i64 * n;
                self.dissatisfied += dissatisfied(process, result) as i64 * n;
            }
        }
    }

    /// Adds another tally into this one (for agency totals).
    pub fn absorb(&mut self, other: &Tally) {
        self.received += other.received;
        self.open += other.open;
        self.overdue += other.overdue;
        for (days, n) in &other.processing_days {
            *self.processing_days.entry(*days).or_default() += n;
        }
        self.on_time += other.on_time;
        self.surveys_sent += other.surveys_sent;
        self.responses += other.responses;
        self.process_sum += other.process_sum;
        self.result_sum += other.result_sum;
        self.process_satisfied += other.process_satisfied;
        self.result_satisfied += other.result_satisfied;
        self.dissatisfied += other.dissatisfied;
        for (k, (resolved, responses)) in &other.mix {
            let e = self.mix.entry(k.clone()).or_default();
            e.0 += resolved;
            e.1 += responses;
        }
    }
}

/// Yearly satisfaction targets by (year, kind).
pub type Targets = HashMap<(i32, String), f64>;

/// The figures of API.md for one team (or the agency) and period. Rates are
/// fractions from 0 to 1; a rate or average without cases to measure is null.
/// (Its schema is the API's too: the figures are published as they are.)
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Cases received in the period.
    pub received: i64,
    /// Cases resolved in the period (by the team that resolved them).
    pub resolved: i64,
    /// Of those, resolved after their due date.
    pub resolved_late: i64,
    /// Cases received in the period that are still open.
    pub open: i64,
    /// Of those, past their due date.
    pub overdue: i64,
    /// Resolved on time / resolved.
    pub on_time_rate: Option<f64>,
    /// Mean processing days of the resolved cases.
    pub avg_processing_days: Option<f64>,
    /// Median processing days of the resolved cases.
    pub median_processing_days: Option<f64>,
    /// Resolved cases drawn for a survey: links emailed and calls made or due.
    pub surveys_sent: i64,
    /// Of those, answered.
    pub responses: i64,
    /// Responses / surveys sent.
    pub response_rate: Option<f64>,
    /// Mean of both scores over the responses (1–5).
    pub avg_score: Option<f64>,
    /// Mean process score.
    pub avg_process_score: Option<f64>,
    /// Mean result score.
    pub avg_result_score: Option<f64>,
    /// Responses scoring the process 4 or 5 / responses.
    pub process_satisfaction_rate: Option<f64>,
    /// Responses scoring the result 4 or 5 / responses.
    pub result_satisfaction_rate: Option<f64>,
    /// Mean of the process and result satisfaction rates.
    pub satisfaction_rate: Option<f64>,
    /// Lower bound of the 95% Wilson interval of the satisfaction rate over the responses.
    pub satisfaction_ci_low: Option<f64>,
    /// Responses scoring 2 or less on either question.
    pub dissatisfied: i64,
    /// The yearly target for the kinds answered (weighted by responses).
    pub target: Option<f64>,
    /// Satisfaction rate − target.
    pub target_gap: Option<f64>,
    /// Place among teams with responses; null without responses.
    pub rank: Option<u32>,
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The target for a tally: each (year, kind) target weighted by its
/// responses, or by its resolved cases when nobody answered, or equally over
/// `fallback` pairs when nothing was resolved.
pub fn blended_target(t: &Tally, targets: &Targets, fallback: &[(i32, String)]) -> Option<f64> {
    let by_responses: Vec<((i32, String), i64)> = t.mix.iter().map(|(k, v)| (k.clone(), v.1)).collect();
    let by_resolved: Vec<((i32, String), i64)> = t.mix.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    let equal: Vec<((i32, String), i64)> = fallback.iter().map(|k| (k.clone(), 1)).collect();
    for weights in [by_responses, by_resolved, equal] {
        let (sum, weight) = weights
            .iter()
            .filter_map(|(k, w)| targets.get(k).map(|t| (t * *w as f64, *w)))
            .fold((0.0, 0), |(s, n), (x, w)| (s + x, n + w));
        if weight > 0 {
            return Some(to_millionths(sum / weight as f64));
        }
    }
    None
}

/// A fraction to six decimals: a target set as 0.764 reads 0.764 again, not
/// the 0.7639999999999999 that weighing it left.
fn to_millionths(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The figures of a tally.
pub fn figures(t: &Tally, targets: &Targets, fallback: &[(i32, String)]) -> Figures {
    let resolved: i64 = t.processing_days.values().sum();
    let day_sum: i64 = t.processing_days.iter().map(|(d, n)| d * n).sum();
    let process_rate = ratio(t.process_satisfied, t.responses);
    let result_rate = ratio(t.result_satisfied, t.responses);
    let satisfaction = process_rate.zip(result_rate).map(|(p, r)| (p + r) / 2.0);
    let target = blended_target(t, targets, fallback);
    Figures {
        received: t.received,
        resolved,
        resolved_late: resolved - t.on_time,
        open: t.open,
        overdue: t.overdue,
        on_time_rate: ratio(t.on_time, resolved),
        avg_processing_days: ratio(day_sum, resolved),
        median_processing_days: median(&t.processing_days),
        surveys_sent: t.surveys_sent,
        responses: t.responses,
        response_rate: ratio(t.responses, t.surveys_sent),
        avg_score: ratio(t.process_sum + t.result_sum, 2 * t.responses),
        avg_process_score: ratio(t.process_sum, t.responses),
        avg_result_score: ratio(t.result_sum, t.responses),
        process_satisfaction_rate: process_rate,
        result_satisfaction_rate: result_rate,
        satisfaction_rate: satisfaction,
        satisfaction_ci_low: satisfaction.and_then(|p| wilson_lower(p, t.responses)),
        dissatisfied: t.dissatisfied,
        target,
        target_gap: satisfaction.zip(target).map(|(s, t)| to_millionths(s - t)),
        rank: None,
    }
}

/// Ranks teams by `satisfaction_ci_low`, ties by on-time rate (RULES.md);
/// equal keys share a place (1, 2, 2, 4). Teams without responses get none.
pub fn assign_ranks(items: &mut [&mut Figures]) {
    let key = |f: &Figures| (f.satisfaction_ci_low, f.on_time_rate.unwrap_or(-1.0));
    let better = |a: &Figures, b: &Figures| -> Ordering {
        let (ka, kb) = (key(a), key(b));
        kb.0.partial_cmp(&ka.0)
            .unwrap_or(Ordering::Equal)
            .then(kb.1.partial_cmp(&ka.1).unwrap_or(Ordering::Equal))
    };
    let mut order: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].responses > 0 && items[i].satisfaction_ci_low.is_some())
        .collect();
    order.sort_by(|&a, &b| better(items[a], items[b]));
    for item in items.iter_mut() {
        item.rank = None;
    }
    let mut place = 0;
    for (pos, &i) in order.iter().enumerate() {
        if pos == 0 || better(items[order[pos - 1]], items[i]) != Ordering::Equal {
            place = pos as u32 + 1;
        }
        items[i].rank = Some(place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_group_of_alike_cases_counts_as_each_of_them() {
        let mut one_by_one = Tally::default();
        let mut grouped = Tally::default();
        for (days, on_time, survey, n) in [
            (3, true, SurveyState::Answered(5, 2), 3),
            (7, false, SurveyState::Sent, 2),
            (1, true, SurveyState::None, 1),
        ] {
            for _ in 0..n {
                one_by_one.add_resolved(2026, "grievance", days, on_time, survey);
            }
            grouped.add_alike(2026, "grievance", days, on_time, survey, n);
        }
        assert_eq!(one_by_one, grouped);
        grouped.add_alike(2026, "grievance", 9, true, SurveyState::None, 0);
        assert_eq!(one_by_one, grouped, "an empty group adds nothing");
    }

    #[test]
    fn wilson_lower_bound_matches_published_values() {
        // 8 of 10: 0.4902; 80 of 100: 0.7112; 1 of 1: 0.2065 (Wilson 1927, z = 1.96).
        assert!((wilson_lower(0.8, 10).unwrap() - 0.49016).abs() < 1e-4);
        assert!((wilson_lower(0.8, 100).unwrap() - 0.71117).abs() < 1e-4);
        assert!((wilson_lower(1.0, 1).unwrap() - 0.20654).abs() < 1e-4);
        assert!(close(wilson_lower(0.0, 5).unwrap(), 0.0));
        assert_eq!(wilson_lower(0.5, 0), None);
    }

    #[test]
    fn few_answers_rank_below_many_slightly_worse_ones() {
        assert!(wilson_lower(1.0, 2).unwrap() < wilson_lower(0.85, 200).unwrap());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let counted = |values: &[i64]| {
            let mut counts = BTreeMap::new();
            for v in values {
                *counts.entry(*v).or_insert(0) += 1;
            }
            median(&counts)
        };
        assert_eq!(counted(&[5, 1, 3]), Some(3.0));
        assert_eq!(counted(&[4, 1, 3, 2]), Some(2.5));
        assert_eq!(counted(&[]), None);
        assert_eq!(counted(&[7, 7, 7, 2]), Some(7.0));
        assert_eq!(counted(&[2, 2, 9, 9]), Some(5.5));
        assert_eq!(
            median(&[(4, 0), (6, 1)].into_iter().collect()),
            Some(6.0),
            "an empty count is no value"
        );
    }

    fn tally() -> Tally {
        let mut t = Tally {
            received: 5,
            open: 2,
            overdue: 1,
            ..Tally::default()
        };
        t.add_resolved(2026, "grievance", 3, true, SurveyState::Answered(5, 4));
        t.add_resolved(2026, "grievance", 8, false, SurveyState::Answered(2, 3));
        t.add_resolved(2026, "proposal", 20, true, SurveyState::Sent);
        t.add_resolved(2026, "grievance", 1, true, SurveyState::None);
        t
    }

    #[test]
    fn figures_of_a_small_tally() {
        let targets: Targets = [((2026, "grievance".to_string()), 0.764)].into_iter().collect();
        let f = figures(&tally(), &targets, &[]);
        assert_eq!(
            (f.received, f.resolved, f.resolved_late, f.open, f.overdue),
            (5, 4, 1, 2, 1)
        );
        assert!(close(f.on_time_rate.unwrap(), 0.75));
        assert!(close(f.avg_processing_days.unwrap(), 8.0));
        assert!(close(f.median_processing_days.unwrap(), 5.5));
        assert_eq!((f.surveys_sent, f.responses, f.dissatisfied), (3, 2, 1));
        assert!(close(f.response_rate.unwrap(), 2.0 / 3.0));
        assert!(close(f.avg_score.unwrap(), 3.5));
        assert!(close(f.avg_process_score.unwrap(), 3.5));
        assert!(close(f.process_satisfaction_rate.unwrap(), 0.5));
        assert!(close(f.result_satisfaction_rate.unwrap(), 0.5));
        assert!(close(f.satisfaction_rate.unwrap(), 0.5));
        assert!(close(f.satisfaction_ci_low.unwrap(), wilson_lower(0.5, 2).unwrap()));
        // Only grievances were answered, so only their target counts.
        assert!(close(f.target.unwrap(), 0.764));
        assert!(close(f.target_gap.unwrap(), 0.5 - 0.764));
    }

    #[test]
    fn nothing_to_measure_gives_nulls_not_zeros() {
        let f = figures(&Tally::default(), &Targets::new(), &[]);
        assert_eq!(f.on_time_rate, None);
        assert_eq!(f.median_processing_days, None);
        assert_eq!(f.satisfaction_rate, None);
        assert_eq!(f.satisfaction_ci_low, None);
        assert_eq!(f.target, None);
    }

    #[test]
    fn targets_blend_by_responses_then_resolved_then_equally() {
        let targets: Targets = [
            ((2026, "grievance".to_string()), 0.8),
            ((2026, "proposal".to_string()), 0.6),
        ]
        .into_iter()
        .collect();
        let mut t = Tally::default();
        t.add_resolved(2026, "grievance", 1, true, SurveyState::Answered(5, 5));
        t.add_resolved(2026, "proposal", 1, true, SurveyState::Answered(5, 5));
        t.add_resolved(2026, "proposal", 1, true, SurveyState::Answered(5, 5));
        // (0.8 + 1.2) / 3, to six decimals.
        assert_eq!(blended_target(&t, &targets, &[]).unwrap(), 0.666667);
        let mut unanswered = Tally::default();
        unanswered.add_resolved(2026, "grievance", 1, true, SurveyState::Sent);
        assert!(close(blended_target(&unanswered, &targets, &[]).unwrap(), 0.8));
        let both = [(2026, "grievance".to_string()), (2026, "proposal".to_string())];
        assert!(close(blended_target(&Tally::default(), &targets, &both).unwrap(), 0.7));
        assert_eq!(blended_target(&Tally::default(), &Targets::new(), &both), None);
        // A target weighed over many cases reads as it was set.
        let set: Targets = [((2026, "grievance".to_string()), 0.764)].into_iter().collect();
        let mut many = Tally::default();
        for _ in 0..3 {
            many.add_resolved(2026, "grievance", 1, true, SurveyState::Answered(5, 5));
        }
        assert_eq!(blended_target(&many, &set, &[]).unwrap().to_string(), "0.764");
    }

    fn fig(responses: i64, ci: Option<f64>, on_time: Option<f64>) -> Figures {
        let mut f = figures(&Tally::default(), &Targets::new(), &[]);
        f.responses = responses;
        f.satisfaction_ci_low = ci;
        f.on_time_rate = on_time;
        f
    }

    #[test]
    fn ranks_by_lower_bound_then_on_time_rate_and_skip_teams_without_answers() {
        let mut a = fig(10, Some(0.6), Some(0.9));
        let mut b = fig(10, Some(0.7), Some(0.5));
        let mut c = fig(10, Some(0.6), Some(0.95));
        let mut d = fig(0, None, Some(1.0));
        let mut e = fig(10, Some(0.6), Some(0.9));
        let mut items = [&mut a, &mut b, &mut c, &mut d, &mut e];
        assign_ranks(&mut items);
        let ranks: Vec<Option<u32>> = items.iter().map(|f| f.rank).collect();
        assert_eq!(ranks, vec![Some(3), Some(1), Some(2), None, Some(3)]);
    }
}
