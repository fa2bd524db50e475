//! Which team owns a new case: ordered rules, then the category's default
//! team, then the triage team; and which category fits a case sent without one.

use serde::Serialize;

use super::case::Kind;

/// A routing rule as the router sees it (active rules to active teams only).
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's id.
    pub id: String,
    /// Lower runs first.
    pub position: i32,
    /// Matches only this kind, when set.
    pub kind: Option<Kind>,
    /// Matches only this category code, when set.
    pub category: Option<String>,
    /// Matches when any one is found in the title or description, when not empty.
    pub keywords: Vec<String>,
    /// Where a match sends the case.
    pub team_id: String,
}

/// A category as the classifier sees it (active ones only).
#[derive(Debug, Clone)]
pub struct CategoryKeywords {
    /// The category code.
    pub code: String,
    /// Its kind.
    pub kind: Kind,
    /// Words that suggest it.
    pub keywords: Vec<String>,
}

/// The facts of a case that routing looks at.
#[derive(Debug, Clone)]
pub struct CaseFacts<'a> {
    /// The case kind.
    pub kind: Kind,
    /// Its category code, if any.
    pub category: Option<&'a str>,
    /// Its title.
    pub title: &'a str,
    /// Its description.
    pub description: &'a str,
}

/// What decided the team, recorded in the `routed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RoutedBy {
    /// A routing rule matched.
    Rule {
        /// The rule's id.
        rule_id: String,
        /// Its position.
        position: i32,
    },
    /// No rule matched; the category's default team.
    CategoryDefault,
    /// Neither; the triage team.
    Triage,
    /// No active team at all: the case waits unrouted.
    Unrouted,
}

/// The router's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The team, if any exists.
    pub team_id: Option<String>,
    /// Why that team.
    pub by: RoutedBy,
}

/// Whether any keyword occurs, case-insensitively, in the text.
fn mentions(text_lower: &str, keywords: &[String]) -> usize {
    keywords
        .iter()
        .filter(|k| !k.trim().is_empty() && text_lower.contains(&k.trim().to_lowercase()))
        .count()
}

fn searchable(facts: &CaseFacts<'_>) -> String {
    format!("{}\n{}", facts.title, facts.description).to_lowercase()
}

/// The first matching rule (rules in any order; lowest position wins), else
/// the category's default team, else the triage team.
pub fn route(facts: &CaseFacts<'_>, rules: &[Rule], category_default: Option<&str>, triage: Option<&str>) -> Decision {
    let text = searchable(facts);
    let mut ordered: Vec<&Rule> = rules.iter().collect();
    ordered.sort_by_key(|r| r.position);
    let hit = ordered.into_iter().find(|r| {
        r.kind.is_none_or(|k| k == facts.kind)
            && r.category.as_deref().is_none_or(|c| Some(c) == facts.category)
            && (r.keywords.is_empty() || mentions(&text, &r.keywords) > 0)
    });
    if let Some(rule) = hit {
        return Decision {
            team_id: Some(rule.team_id.clone()),
            by: RoutedBy::Rule {
                rule_id: rule.id.clone(),
                position: rule.position,
            },
        };
    }
    if let Some(team) = category_default {
        return Decision {
            team_id: Some(team.to_string()),
            by: RoutedBy::CategoryDefault,
        };
    }
    match triage {
        Some(team) => Decision {
            team_id: Some(team.to_string()),
            by: RoutedBy::Triage,
        },
        None => Decision {
            team_id: None,
            by: RoutedBy::Unrouted,
        },
    }
}

/// The category of the case's kind whose keywords the text mentions most
/// (the first in catalog order on a tie), for a case sent without one.
pub fn classify<'c>(facts: &CaseFacts<'_>, categories: &'c [CategoryKeywords]) -> Option<&'c CategoryKeywords> {
    let text = searchable(facts);
    let mut best: Option<(&CategoryKeywords, usize)> = None;
    for c in categories.iter().filter(|c| c.kind == facts.kind) {
        let n = mentions(&text, &c.keywords);
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    best.map(|(c, _)| c)
}

/// Which way a rule moves in the order the rules run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One place earlier: it runs before the rule now before it.
    Earlier,
    /// One place later.
    Later,
}

/// The highest position a rule may have.
pub const MAX_POSITION: i32 = 1_000_000;

/// The rules (`order`: as they run now) with the one at `index` moved one
/// place, each with its new position: 10, 20, 30, … in the new order. Every
/// rule is renumbered because positions may tie (a new rule gets 100) and a
/// swap of two equal positions would change nothing; the gaps of 10 leave room
/// to put a rule between two by hand. `None` when it is already first (or
/// last) or `index` is out of range.
pub fn moved<T: Clone>(order: &[T], index: usize, step: Step) -> Option<Vec<(T, i32)>> {
    let other = match step {
        Step::Earlier => index.checked_sub(1)?,
        Step::Later => index + 1,
    };
    if index >= order.len() || other >= order.len() {
        return None;
    }
    let mut new = order.to_vec();
    new.swap(index, other);
    Some(
        new.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let position = i32::try_from((i + 1) * 10).unwrap_or(MAX_POSITION).min(MAX_POSITION);
                (r, position)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        id: &str,
        position: i32,
        kind: Option<Kind>,
        category: Option<&str>,
        keywords: &[&str],
        team: &str,
    ) -> Rule {
        Rule {
            id: id.into(),
            position,
            kind,
            category: category.map(String::from),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            team_id: team.into(),
        }
    }

    fn facts<'a>(kind: Kind, category: Option<&'a str>, title: &'a str) -> CaseFacts<'a> {
        CaseFacts {
            kind,
            category,
            title,
            description: "",
        }
    }

    #[test]
    fn lowest_position_wins_among_matches() {
        let rules = [
            rule("b", 20, None, None, &["도로"], "roads"),
            rule("a", 10, Some(Kind::Grievance), None, &["포트홀"], "potholes"),
        ];
        let d = route(
            &facts(Kind::Grievance, None, "도로에 포트홀이 있어요"),
            &rules,
            None,
            Some("triage"),
        );
        assert_eq!(d.team_id.as_deref(), Some("potholes"));
        assert_eq!(
            d.by,
            RoutedBy::Rule {
                rule_id: "a".into(),
                position: 10
            }
        );
    }

    #[test]
    fn every_condition_of_a_rule_must_match() {
        let rules = [rule(
            "a",
            1,
            Some(Kind::Proposal),
            Some("parks"),
            &["tree"],
            "parks-team",
        )];
        // Right words, wrong kind.
        let d = route(
            &facts(Kind::Grievance, Some("parks"), "A tree fell"),
            &rules,
            Some("default"),
            None,
        );
        assert_eq!(d.by, RoutedBy::CategoryDefault);
        // Right kind and words, wrong category.
        let d = route(
            &facts(Kind::Proposal, Some("roads"), "Plant a TREE"),
            &rules,
            None,
            Some("triage"),
        );
        assert_eq!(d.by, RoutedBy::Triage);
        // Everything matches, keyword case-insensitively.
        let d = route(
            &facts(Kind::Proposal, Some("parks"), "Plant a TREE"),
            &rules,
            None,
            Some("triage"),
        );
        assert_eq!(d.team_id.as_deref(), Some("parks-team"));
    }

    #[test]
    fn no_team_at_all_leaves_the_case_unrouted() {
        let d = route(&facts(Kind::Grievance, None, "x"), &[], None, None);
        assert_eq!(
            d,
            Decision {
                team_id: None,
                by: RoutedBy::Unrouted
            }
        );
    }

    #[test]
    fn classify_picks_the_category_mentioned_most_of_the_same_kind() {
        let cats = [
            CategoryKeywords {
                code: "roads".into(),
                kind: Kind::Grievance,
                keywords: vec!["도로".into(), "포트홀".into()],
            },
            CategoryKeywords {
                code: "noise".into(),
                kind: Kind::Grievance,
                keywords: vec!["소음".into()],
            },
            CategoryKeywords {
                code: "idea".into(),
                kind: Kind::Proposal,
                keywords: vec!["도로".into(), "포트홀".into(), "소음".into()],
            },
        ];
        let f = CaseFacts {
            kind: Kind::Grievance,
            category: None,
            title: "포트홀 신고",
            description: "도로가 패였고 소음도 큽니다",
        };
        assert_eq!(classify(&f, &cats).map(|c| c.code.as_str()), Some("roads"));
        let none = CaseFacts {
            kind: Kind::Grievance,
            category: None,
            title: "hello",
            description: "",
        };
        assert!(classify(&none, &cats).is_none());
    }

    #[test]
    fn a_moved_rule_swaps_with_its_neighbour_and_all_are_renumbered() {
        let order = ["a", "b", "c"];
        assert_eq!(
            moved(&order, 2, Step::Earlier),
            Some(vec![("a", 10), ("c", 20), ("b", 30)])
        );
        assert_eq!(
            moved(&order, 0, Step::Later),
            Some(vec![("b", 10), ("a", 20), ("c", 30)])
        );
    }

    #[test]
    fn the_first_does_not_move_earlier_nor_the_last_later() {
        let order = ["a", "b"];
        assert_eq!(moved(&order, 0, Step::Earlier), None);
        assert_eq!(moved(&order, 1, Step::Later), None);
        assert_eq!(moved(&order, 5, Step::Earlier), None);
        assert_eq!(moved::<&str>(&[], 0, Step::Later), None);
    }

    #[test]
    fn renumbered_positions_make_route_follow_the_new_order() {
        // Two rules that both match and tie at 100: after moving the second
        // earlier, it is the one that routes.
        let order = [
            rule("first", 100, None, None, &["도로"], "roads"),
            rule("second", 100, None, None, &["도로"], "parks"),
        ];
        let new: Vec<Rule> = moved(&order, 1, Step::Earlier)
            .unwrap()
            .into_iter()
            .map(|(mut r, p)| {
                r.position = p;
                r
            })
            .collect();
        let d = route(&facts(Kind::Grievance, None, "도로 파손"), &new, None, None);
        assert_eq!(d.team_id.as_deref(), Some("parks"));
    }
}
