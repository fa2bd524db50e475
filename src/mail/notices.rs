//! The notices civicdesk sends, in Korean and English, as text and HTML;
//! each is written to the outbox in the transaction of the change it reports.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Locale;
use crate::domain::links;
use crate::store::{self, cases::CaseRow, outbox::Mail};

/// What a notice says, before it is rendered.
#[derive(Debug, Clone)]
pub enum Notice {
    /// The case was received: receipt number and tracking link.
    Receipt {
        /// The citizen's access token (only at intake is it known in clear).
        token: String,
    },
    /// The team wrote to the citizen.
    Reply {
        /// The message.
        body: String,
    },
    /// The deadline was extended.
    Extension {
        /// Why.
        reason: String,
    },
    /// The answer.
    Resolution,
    /// Still open after 30, 60, … days.
    Progress {
        /// Days since receipt.
        days: i64,
    },
    /// Please rate how it went.
    Survey {
        /// The survey link.
        link: String,
        /// When the link expires.
        expires: DateTime<Utc>,
        /// Whether this is the reminder.
        reminder: bool,
    },
}

impl Notice {
    /// The outbox `kind` of this notice.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Receipt { .. } => "receipt",
            Notice::Reply { .. } => "reply",
            Notice::Extension { .. } => "extension",
            Notice::Resolution => "resolution",
            Notice::Progress { .. } => "progress",
            Notice::Survey { reminder: false, .. } => "survey",
            Notice::Survey { reminder: true, .. } => "survey_reminder",
        }
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct Html<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    link_url: &'a str,
    link_label: &'a str,
    footer: &'a str,
}

/// A rendered email.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML, every value escaped.
    pub html: String,
}

/// Renders the parts of a notice as text and HTML.
fn render(
    lang: Locale,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
    footer: String,
) -> Rendered {
    let (link_label, link_url) = link.unwrap_or_default();
    let html = Html {
        lang: lang.as_str(),
        subject: &subject,
        greeting: &greeting,
        paragraphs: &paragraphs,
        link_url: &link_url,
        link_label: &link_label,
        footer: &footer,
    }
    .render()
    .unwrap_or_else(|e| format!("<p>{e}</p>"));
    let mut text = format!("{greeting}\n\n{}\n\n", paragraphs.join("\n\n"));
    if !link_url.is_empty() {
        text.push_str(&format!("{link_label}: {link_url}\n\n"));
    }
    text.push_str(&format!("-- \n{footer}\n"));
    Rendered { subject, text, html }
}

/// A local date and time for people, e.g. `2026-11-25 18:00`.
/// A time in the calendar's zone as people read it, in the citizen's language.
fn when(settings: &Settings, t: DateTime<Utc>, ko: bool) -> String {
    let local = t.with_timezone(&settings.timezone);
    if ko {
        local.format("%Y년 %-m월 %-d일 %H:%M").to_string()
    } else {
        local.format("%-d %b %Y, %H:%M").to_string()
    }
}

/// The notice to the citizen of `row`, rendered in their language.
pub fn compose(settings: &Settings, row: &CaseRow, team: Option<(&str, Option<&str>)>, notice: &Notice) -> Rendered {
    let ko = row.locale != "en";
    let lang = if ko { Locale::Ko } else { Locale::En };
    let no = &row.receipt_no;
    let team_name = team.map(|t| t.0).unwrap_or(if ko {
        "민원 담당 부서"
    } else {
        "the responsible team"
    });
    let contact = team.and_then(|t| t.1).unwrap_or("");
    let footer = match (ko, contact.is_empty()) {
        (true, false) => format!("담당 부서: {team_name} · 문의: {contact} · 접수번호 {no}"),
        (true, true) => format!("담당 부서: {team_name} · 접수번호 {no}"),
        (false, false) => format!("Handled by {team_name} · contact: {contact} · case {no}"),
        (false, true) => format!("Handled by {team_name} · case {no}"),
    };
    let greeting = if ko {
        format!("{} 님께,", row.citizen_name)
    } else {
        format!("Dear {},", row.citizen_name)
    };
    let due = when(settings, row.due_at.and_utc(), ko);

    let (subject, paragraphs, link) = match notice {
        Notice::Receipt { token } => {
            let link = links::tracking_url(&settings.public_url, no, token, &row.locale);
            if ko {
                (
                    format!("[민원 접수] 접수번호 {no}"),
                    vec![
                        format!("민원이 접수되었습니다: 「{}」", row.title),
                        format!("접수번호: {no}\n담당 부서: {team_name}\n처리 기한: {due}"),
                        "아래 링크에서 처리 과정을 확인하실 수 있습니다. 링크는 본인만 사용하도록 보관해 주세요."
                            .into(),
                    ],
                    Some(("처리 현황 보기".to_string(), link)),
                )
            } else {
                (
                    format!("Case {no} received"),
                    vec![
                        format!("We received your case: “{}”.", row.title),
                        format!("Receipt number: {no}\nHandled by: {team_name}\nDue by: {due}"),
                        "Follow its progress with the link below; keep it to yourself.".into(),
                    ],
                    Some(("Track your case".to_string(), link)),
                )
            }
        }
        Notice::Reply { body } => {
            if ko {
                (
                    format!("[민원 답변] 접수번호 {no}"),
                    vec![format!("{team_name}에서 답변을 보냈습니다:"), body.clone()],
                    None,
                )
            } else {
                (
                    format!("A message about case {no}"),
                    vec![format!("{team_name} wrote:"), body.clone()],
                    None,
                )
            }
        }
        Notice::Extension { reason } => {
            if ko {
                (
                    format!("[처리기간 연장] 접수번호 {no}"),
                    vec![
                        format!("처리 기간이 연장되었습니다. 새 처리 기한: {due}"),
                        format!("사유: {reason}"),
                    ],
                    None,
                )
            } else {
                (
                    format!("Case {no}: deadline extended"),
                    vec![
                        format!("The deadline was extended. New due date: {due}"),
                        format!("Reason: {reason}"),
                    ],
                    None,
                )
            }
        }
        Notice::Resolution => {
            let answer = row.resolution.clone().unwrap_or_default();
            let mut p = if ko {
                vec![format!("「{}」 민원의 처리 결과를 알려 드립니다.", row.title), answer]
            } else {
                vec![format!("Here is the answer to your case “{}”.", row.title), answer]
            };
            if let Some(outcome) = &row.outcome {
                let label = if ko {
                    outcome_words(outcome, ko).to_string()
                } else {
                    outcome_words(outcome, ko).to_lowercase()
                };
                p.push(if ko {
                    format!("제안 심사 결과: {label}")
                } else {
                    format!("Decision on your proposal: {label}")
                });
                if let Some(d) = row.planned_implementation_date {
                    p.push(if ko {
                        format!("시행 예정일: {d}")
                    } else {
                        format!("Planned implementation: {d}")
                    });
                }
                if outcome == "rejected" {
                    p.push(if ko {
                        "결정일로부터 15일 이내에 재심사를 요청하실 수 있습니다.".into()
                    } else {
                        "You may ask for a re-review within 15 days of this decision.".into()
                    });
                }
            }
            (
                if ko {
                    format!("[처리 결과] 접수번호 {no}")
                } else {
                    format!("Case {no} answered")
                },
                p,
                None,
            )
        }
        Notice::Progress { days } => {
            if ko {
                (
                    format!("[처리 중 안내] 접수번호 {no}"),
                    vec![
                        format!("접수 후 {days}일이 지났으며 민원을 계속 처리하고 있습니다."),
                        format!("처리 기한: {due}"),
                    ],
                    None,
                )
            } else {
                (
                    format!("Case {no} is still in progress"),
                    vec![
                        format!("{days} days after receipt, your case is still being worked on."),
                        format!("Due by: {due}"),
                    ],
                    None,
                )
            }
        }
        Notice::Survey {
            link,
            expires,
            reminder,
        } => {
            let until = when(settings, *expires, ko);
            let first = match (ko, reminder) {
                (true, false) => {
                    "민원 처리 과정과 결과에 얼마나 만족하셨는지 알려 주세요. 두 질문이면 끝납니다.".to_string()
                }
                (true, true) => {
                    "아직 만족도 조사에 응답하지 않으셨습니다. 잠시 시간을 내 주시면 큰 도움이 됩니다.".to_string()
                }
                (false, false) => {
                    "How satisfied are you with how your case was handled, and with the result? Two questions."
                        .to_string()
                }
                (false, true) => "A reminder: your answer to our two-question survey would help us a lot.".to_string(),
            };
            let expiry = if ko {
                format!("응답 기한: {until}")
            } else {
                format!("The link works until {until}.")
            };
            let subject = match (ko, reminder) {
                (true, false) => format!("[만족도 조사] 접수번호 {no}"),
                (true, true) => format!("[만족도 조사 재안내] 접수번호 {no}"),
                (false, false) => format!("How did we do? (case {no})"),
                (false, true) => format!("Reminder: how did we do? (case {no})"),
            };
            let label = if ko {
                "만족도 조사 응답하기"
            } else {
                "Answer the survey"
            };
            (subject, vec![first, expiry], Some((label.to_string(), link.clone())))
        }
    };
    render(lang, subject, greeting, paragraphs, link, footer)
}

/// Writes an email to the outbox (sent by the worker from `not_before`).
pub fn enqueue(
    c: &mut Conn,
    kind: &str,
    case: Option<&Id>,
    to: &str,
    r: Rendered,
    not_before: DateTime<Utc>,
) -> diesel::QueryResult<Id> {
    let mail = outbox_mail(kind, case, to, r, not_before);
    store::outbox::insert(c, &mail)?;
    Ok(mail.id)
}

/// An email as the outbox keeps it, waiting from `not_before`.
pub fn outbox_mail(kind: &str, case: Option<&Id>, to: &str, r: Rendered, not_before: DateTime<Utc>) -> Mail {
    Mail {
        id: Id::new(),
        kind: kind.into(),
        case_id: case.cloned(),
        to_addr: to.into(),
        subject: r.subject,
        text_body: r.text,
        html_body: r.html,
        status: "pending".into(),
        attempts: 0,
        not_before: not_before.naive_utc(),
        lease_until: None,
        last_error: None,
        created_at: now().naive_utc(),
        sent_at: None,
    }
}

/// Queues a notice to the citizen of `row`, if they gave an email; the id of the email.
pub fn to_citizen(
    c: &mut Conn,
    settings: &Settings,
    row: &CaseRow,
    notice: Notice,
    not_before: DateTime<Utc>,
) -> diesel::QueryResult<Option<Id>> {
    if row.citizen_email.is_none() {
        return Ok(None);
    }
    let team = match &row.team_id {
        Some(id) => store::teams::find(c, id)?,
        None => None,
    };
    let Some(mail) = citizen_mail(settings, row, team.as_ref(), &notice, not_before) else {
        return Ok(None);
    };
    store::outbox::insert(c, &mail)?;
    Ok(Some(mail.id))
}

/// A notice to the citizen of `row` as an outbox email, if they gave an address.
pub fn citizen_mail(
    settings: &Settings,
    row: &CaseRow,
    team: Option<&store::teams::Team>,
    notice: &Notice,
    not_before: DateTime<Utc>,
) -> Option<Mail> {
    let email = row.citizen_email.as_deref()?;
    let rendered = compose(
        settings,
        row,
        team.map(|t| (t.name.as_str(), t.email.as_deref())),
        notice,
    );
    Some(outbox_mail(notice.kind(), Some(&row.id), email, rendered, not_before))
}

/// The team's alert about a dissatisfied citizen (in Korean and English).
pub fn dissatisfied_alert(row: &CaseRow, follow_up: &Id, process: i32, result: i32, comment: Option<&str>) -> Rendered {
    let no = &row.receipt_no;
    let paragraphs = vec![
        format!(
            "접수번호 {no} 「{}」의 만족도 응답이 낮습니다. / A citizen is dissatisfied with case {no}.",
            row.title
        ),
        format!("과정 만족도 (process): {process}/5 · 결과 만족도 (result): {result}/5"),
        format!("의견 (comment): {}", comment.unwrap_or("-")),
        "팀 관리자는 시민에게 연락해 후속 조치를 하고 그 내용을 기록해 주세요. / The team's managers should \
         contact the citizen, follow up and record what they did."
            .into(),
        // No page for managers exists yet (the back office is coming): say
        // where the follow-up is instead of linking to an API a mail client cannot open.
        format!(
            "기록하는 곳: 관리자 API 토큰으로 GET /api/v1/follow-ups 목록에서 후속 조치 {follow_up}를 찾아 \
             POST /api/v1/follow-ups/{follow_up}/done 으로 기록합니다. 도움이 필요하면 civicdesk 관리자에게 \
             문의하세요. / Where to record it: follow-up {follow_up} is on GET /api/v1/follow-ups (with a \
             manager's API token); record what was done with POST /api/v1/follow-ups/{follow_up}/done. Your \
             civicdesk administrator can help."
        ),
    ];
    render(
        Locale::Ko,
        format!("[불만족 응답] 접수번호 {no} / Dissatisfied citizen, case {no}"),
        "담당 부서 귀하 / To the team,".into(),
        paragraphs,
        None,
        "civicdesk".into(),
    )
}

/// A proposal's decision in the citizen's words, as a label: the email and
/// the tracking page say the same.
pub fn outcome_words(outcome: &str, ko: bool) -> &'static str {
    match (ko, outcome) {
        (true, "adopted") => "채택",
        (true, "partially_adopted") => "일부 채택",
        (true, _) => "불채택",
        (false, "adopted") => "Adopted",
        (false, "partially_adopted") => "Partially adopted",
        (false, _) => "Not adopted",
    }
}
