//! `GET /api/v1/stats/teams`, `/stats/monthly` and `/stats/ranking`: team
//! scorecards as JSON or, with `Accept: text/csv` (or `?format=csv`), as CSV
//! that spreadsheet programs open with Korean names intact.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::db::types::{now, Id};
use crate::domain::case::Kind;
use crate::domain::catalog::Role;
use crate::domain::scorecard::Figures;
use crate::service::caller::Operator;
use crate::service::scorecards::{cards_in_parallel, Card, Period, TeamFigures};
use crate::store::{self, stats::Scope};
use crate::web::problem::ApiError;
use crate::web::AppState;

/// The scorecards' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(teams, monthly, ranking))]
pub struct Doc;

/// The longest span `monthly` reports in one request.
const MAX_MONTHS: u32 = 120;

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

/// The query of every scorecard: `from`/`to` are dates for `teams` and
/// months (`YYYY-MM`) for `monthly`; `month` is for `ranking`. A parameter an
/// endpoint does not take is refused rather than ignored.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// First day (`teams`: YYYY-MM-DD) or month (`monthly`: YYYY-MM).
    from: Option<String>,
    /// Last day (`teams`: YYYY-MM-DD) or month (`monthly`: YYYY-MM).
    to: Option<String>,
    /// The month ranked (`ranking`: YYYY-MM).
    month: Option<String>,
    /// `grievance` or `proposal`.
    kind: Option<String>,
    /// A category's code.
    category: Option<String>,
    /// A team's id (not for `ranking`).
    team: Option<String>,
    /// `json` or `csv`; without it, the `Accept` header decides.
    format: Option<String>,
}

impl StatsQuery {
    fn refuse(&self, names: &[&str]) -> Result<(), ApiError> {
        for name in names {
            let given = match *name {
                "from" => self.from.is_some(),
                "to" => self.to.is_some(),
                "month" => self.month.is_some(),
                "team" => self.team.is_some(),
                _ => false,
            };
            if given {
                return Err(bad(format!("this scorecard does not take {name}")));
            }
        }
        Ok(())
    }
}

fn date(raw: Option<&str>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| bad(format!("{name} must be a date, YYYY-MM-DD, not \"{s}\"")))
        })
        .transpose()
}

/// The first day of a `YYYY-MM` month parameter, if given.
fn month(raw: Option<&str>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
                .ok()
                .filter(|_| s.len() == 7)
                .ok_or_else(|| bad(format!("{name} must be a month, YYYY-MM (e.g. 2026-10), not \"{s}\"")))
        })
        .transpose()
}

fn month_period(first: NaiveDate) -> Period {
    let next = first + Months::new(1);
    Period {
        from: first,
        to: next.pred_opt().unwrap_or(first),
    }
}

fn month_name(p: &Period) -> String {
    p.from.format("%Y-%m").to_string()
}

fn today(state: &AppState) -> NaiveDate {
    now().with_timezone(&state.settings.timezone).date_naive()
}

fn this_month(state: &AppState) -> NaiveDate {
    let day = today(state);
    day.with_day(1).unwrap_or(day)
}

/// The scope of the filters, with the category code looked up; and whether CSV was asked for.
struct Request {
    scope: Scope,
    category_code: Option<String>,
    csv: bool,
}

fn request(op: &Operator, req: &HttpRequest, f: &StatsQuery) -> Result<Request, ApiError> {
    op.require(&[Role::Admin, Role::Manager])?;
    let mut scope = Scope::default();
    if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        Kind::parse(k).ok_or_else(|| bad(format!("kind must be one of {}", Kind::names())))?;
        scope.kind = Some(k.to_string());
    }
    if let Some(t) = f.team.as_deref().filter(|s| !s.is_empty()) {
        scope.team = Some(Id::parse(t).ok_or_else(|| bad("team must be a team id"))?);
    }
    let csv = match f.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => return Err(bad(format!("format \"{other}\" is not one of json, csv"))),
        None => wants_csv(req),
    };
    Ok(Request {
        scope,
        category_code: f.category.clone().filter(|s| !s.is_empty()),
        csv,
    })
}

/// Whether the Accept header prefers CSV to JSON.
fn wants_csv(req: &HttpRequest) -> bool {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let q_of = |wanted: &str| {
        accept
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';').map(str::trim);
                let media = bits.next()?;
                (media.eq_ignore_ascii_case(wanted)).then(|| {
                    bits.find_map(|b| b.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                        .unwrap_or(1.0)
                })
            })
            .fold(None, |best: Option<f32>, q| Some(best.map_or(q, |b| b.max(q))))
    };
    match (q_of("text/csv"), q_of("application/json")) {
        (Some(c), Some(j)) => c > j,
        (Some(c), None) => c > 0.0,
        _ => false,
    }
}

async fn load(state: &web::Data<AppState>, r: Request, periods: Vec<Period>) -> Result<Vec<Card>, ApiError> {
    let at = now();
    let Request {
        mut scope,
        category_code,
        ..
    } = r;
    if let Some(code) = category_code {
        let wanted = code.clone();
        let cat = state
            .db
            .read(move |c| store::categories::find_by_code(c, &wanted).map_err(ApiError::from))
            .await?;
        scope.category = Some(cat.ok_or_else(|| bad(format!("no category with code \"{code}\"")))?.id);
    }
    Ok(cards_in_parallel(&state.db, state.settings.clone(), scope, periods, at).await?)
}

/// A team beside its figures.
#[derive(Serialize, ToSchema)]
pub struct ScoredTeam {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// One team's figures.
#[derive(Serialize, ToSchema)]
pub struct TeamRow {
    /// The team.
    pub team: ScoredTeam,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

impl From<&TeamFigures> for TeamRow {
    fn from(t: &TeamFigures) -> Self {
        TeamRow {
            team: ScoredTeam {
                id: t.team.id.to_string(),
                name: t.team.name.clone(),
            },
            figures: t.figures.clone(),
        }
    }
}

/// One team's figures in one month.
#[derive(Serialize, ToSchema)]
pub struct MonthTeamRow {
    /// `YYYY-MM`.
    pub month: String,
    /// The team and its figures.
    #[serde(flatten)]
    pub row: TeamRow,
}

/// The agency's figures in one month.
#[derive(Serialize, ToSchema)]
pub struct MonthTotalRow {
    /// `YYYY-MM`.
    pub month: String,
    /// All teams together.
    #[serde(flatten)]
    pub figures: Figures,
}

/// `GET /api/v1/stats/teams` as JSON.
#[derive(Serialize, ToSchema)]
pub struct TeamsCard {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Active teams and any team with cases in the period, by name.
    pub items: Vec<TeamRow>,
    /// All teams together.
    pub total: Figures,
}

/// `GET /api/v1/stats/monthly` as JSON.
#[derive(Serialize, ToSchema)]
pub struct MonthlyCard {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Each month's teams, by name.
    pub items: Vec<MonthTeamRow>,
    /// Each month's agency figures.
    pub totals: Vec<MonthTotalRow>,
}

/// `GET /api/v1/stats/ranking` as JSON.
#[derive(Serialize, ToSchema)]
pub struct RankingCard {
    /// `YYYY-MM`.
    pub month: String,
    /// Ranked teams first, then the teams without responses by name.
    pub items: Vec<MonthTeamRow>,
}

/// The rows of a card, each led by the card's month.
fn month_rows(card: &Card) -> Vec<MonthTeamRow> {
    card.teams
        .iter()
        .map(|t| MonthTeamRow {
            month: month_name(&card.period),
            row: TeamRow::from(t),
        })
        .collect()
}

fn month_total(card: &Card) -> MonthTotalRow {
    MonthTotalRow {
        month: month_name(&card.period),
        figures: card.total.clone(),
    }
}

/// Rows as the JSON objects CSV is written from.
fn values<T: Serialize>(rows: &[T]) -> Result<Vec<Value>, ApiError> {
    rows.iter()
        .map(|r| serde_json::to_value(r).map_err(|e| ApiError::Internal(format!("csv: {e}"))))
        .collect()
}

/// `GET /api/v1/stats/teams?from=&to=`: default from the first of this month to today.
#[utoipa::path(get, path = "/api/v1/stats/teams", tag = "scorecards", params(StatsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Every team's figures for the period and the agency's; as CSV with \
            `Accept: text/csv` or `format=csv` (the total last)",
            content((TeamsCard = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Only managers and admins read scorecards",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn teams(
    state: web::Data<AppState>,
    op: Operator,
    req: HttpRequest,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    q.refuse(&["month"])?;
    let r = request(&op, &req, &q)?;
    let to = date(q.to.as_deref(), "to")?.unwrap_or_else(|| today(&state));
    let from = date(q.from.as_deref(), "from")?.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(bad(format!("from ({from}) is after to ({to})")));
    }
    if (to - from).num_days() > 366 * 10 {
        return Err(bad("from and to may be at most ten years apart"));
    }
    let csv = r.csv;
    let cards = load(&state, r, vec![Period { from, to }]).await?;
    let Some(card) = cards.first() else {
        return Err(bad("no period"));
    };
    let items: Vec<TeamRow> = card.teams.iter().map(TeamRow::from).collect();
    let total = card.total.clone();
    if csv {
        let mut all = values(&items)?;
        all.extend(values(std::slice::from_ref(&total))?);
        return csv_response(&format!("teams-{from}-{to}"), &all);
    }
    Ok(HttpResponse::Ok().json(TeamsCard { from, to, items, total }))
}

/// `GET /api/v1/stats/monthly?from=YYYY-MM&to=YYYY-MM`: default the last twelve months.
#[utoipa::path(get, path = "/api/v1/stats/monthly", tag = "scorecards", params(StatsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Every team's figures and the agency's, month by month (at most 120); \
            as CSV with `Accept: text/csv` or `format=csv` (the totals last)",
            content((MonthlyCard = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Only managers and admins read scorecards",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn monthly(
    state: web::Data<AppState>,
    op: Operator,
    req: HttpRequest,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    q.refuse(&["month"])?;
    let r = request(&op, &req, &q)?;
    let to = month(q.to.as_deref(), "to")?.unwrap_or_else(|| this_month(&state));
    let from = month(q.from.as_deref(), "from")?.unwrap_or_else(|| to - Months::new(11));
    if from > to {
        return Err(bad(format!(
            "from ({}) is after to ({})",
            from.format("%Y-%m"),
            to.format("%Y-%m")
        )));
    }
    let span = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
    if span > MAX_MONTHS as i32 {
        return Err(bad(format!("at most {MAX_MONTHS} months at a time")));
    }
    let periods: Vec<Period> = (0..span as u32).map(|i| month_period(from + Months::new(i))).collect();
    let csv = r.csv;
    let cards = load(&state, r, periods).await?;
    let items: Vec<MonthTeamRow> = cards.iter().flat_map(month_rows).collect();
    let totals: Vec<MonthTotalRow> = cards.iter().map(month_total).collect();
    if csv {
        let mut all = values(&items)?;
        all.extend(values(&totals)?);
        return csv_response(
            &format!("monthly-{}-{}", from.format("%Y-%m"), to.format("%Y-%m")),
            &all,
        );
    }
    Ok(HttpResponse::Ok().json(MonthlyCard {
        from: from.format("%Y-%m").to_string(),
        to: to.format("%Y-%m").to_string(),
        items,
        totals,
    }))
}

/// `GET /api/v1/stats/ranking?month=YYYY-MM`: default this month; ranked
/// teams first, then the teams without responses by name.
#[utoipa::path(get, path = "/api/v1/stats/ranking", tag = "scorecards", params(StatsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The month's teams, ranked by satisfaction; as CSV with \
            `Accept: text/csv` or `format=csv`",
            content((RankingCard = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Only managers and admins read scorecards",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn ranking(
    state: web::Data<AppState>,
    op: Operator,
    req: HttpRequest,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    q.refuse(&["from", "to", "team"])?;
    let r = request(&op, &req, &q)?;
    let first = month(q.month.as_deref(), "month")?.unwrap_or_else(|| this_month(&state));
    let csv = r.csv;
    let mut cards = load(&state, r, vec![month_period(first)]).await?;
    let Some(card) = cards.first_mut() else {
        return Err(bad("no period"));
    };
    // Stable: teams without a rank stay in name order after the ranked ones.
    card.teams.sort_by_key(|t| (t.figures.rank.is_none(), t.figures.rank));
    let items = month_rows(card);
    if csv {
        return csv_response(&format!("ranking-{}", first.format("%Y-%m")), &values(&items)?);
    }
    Ok(HttpResponse::Ok().json(RankingCard {
        month: first.format("%Y-%m").to_string(),
        items,
    }))
}

fn csv_response(name: &str, rows: &[Value]) -> Result<HttpResponse, ApiError> {
    crate::web::csv::response(name, rows).map_err(ApiError::Internal)
}
