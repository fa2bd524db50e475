//! `GET /office/`: the operator's day at a glance — their teams' counts,
//! their own open cases, the calls to make and the open follow-ups.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::queue::{row_of, Row};
use super::{Frame, Office, OfficeError};
use crate::domain::access::may_list_cases;
use crate::domain::case::OPEN_STATUSES;
use crate::domain::catalog::Role;
use crate::service::queue::{self, Overview, Page, QueueFilter};
use crate::service::surveys;
use crate::store::cases::Sort;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "office/dashboard.html")]
struct DashboardPage {
    frame: Frame,
    overview: Option<Overview>,
    mine: Vec<Row>,
    calls: Option<i64>,
    follow_ups: Option<usize>,
}

impl DashboardPage {
    fn rows_list(&self) -> &[Row] {
        &self.mine
    }
}

/// `GET /office/`.
pub async fn page(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let (overview, mine, calls, follow_ups) = state
        .db
        .read(move |c| {
            let (overview, mine) = if may_list_cases(op.role) {
                let mine = QueueFilter {
                    assignee: Some(op.id.clone()),
                    ..QueueFilter::of_statuses(&OPEN_STATUSES)
                };
                let page = Page {
                    sort: Sort::Due,
                    after: None,
                    limit: 20,
                };
                (
                    Some(queue::overview(c, &settings, &op)?),
                    queue::list(c, &settings, &op, mine, page)?.items,
                )
            } else {
                (None, Vec::new())
            };
            let calls = matches!(op.role, Role::Happycall | Role::Manager | Role::Admin)
                .then(|| surveys::calls_to_make(c, &op))
                .transpose()?;
            let follow_ups = matches!(op.role, Role::Manager | Role::Admin)
                .then(|| surveys::follow_ups(c, &op, Some("open")).map(|l| l.len()))
                .transpose()?;
            Ok::<_, crate::service::ServiceError>((overview, mine, calls, follow_ups))
        })
        .await?;
    let lang = office.lang().to_string();
    let html = DashboardPage {
        frame: office.frame("dashboard", super::words::t(&lang, "dashboard").into()),
        overview,
        mine: mine.iter().map(|i| row_of(&state.settings, &lang, i)).collect(),
        calls,
        follow_ups,
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}
