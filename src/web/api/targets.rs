//! `/api/v1/targets`: the yearly satisfaction target per kind that scorecards
//! measure teams against. List (managers and admins), set and remove (admin).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::now;
use crate::domain::case::Kind;
use crate::domain::catalog::Role;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::store::{self, targets::Target};
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// Years a target may be set for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A target as sent: in the path (`PUT .../{year}/{kind}`) or in the body (`POST`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    year: Option<i32>,
    kind: Option<String>,
    satisfaction_rate: Option<f64>,
}

/// `?year=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetQuery {
    year: Option<i32>,
}

fn view(t: &Target) -> Value {
    json!({"year": t.year, "kind": t.kind, "satisfaction_rate": t.satisfaction_rate})
}

fn location(t: &Target) -> String {
    format!("/api/v1/targets/{}/{}", t.year, t.kind)
}

/// The target an input describes, or every problem with it.
fn validated(input: TargetInput) -> Result<Target, ApiError> {
    let mut e = Errors::default();
    match input.year {
        None => e.add("year", "is required, e.g. 2026"),
        Some(y) if !YEARS.contains(&y) => e.add("year", format!("must be from {} to {}", YEARS.start(), YEARS.end())),
        _ => {}
    }
    if input.kind.is_none() {
        e.add("kind", format!("is required: one of {}", Kind::names()));
    }
    let kind = e.one_of("kind", input.kind.as_deref(), Kind::parse, &Kind::names());
    match input.satisfaction_rate {
        None => e.add("satisfaction_rate", "is required: a fraction, e.g. 0.764 for 76.4%"),
        Some(r) if r > 1.0 && r <= 100.0 => e.add(
            "satisfaction_rate",
            format!("is a fraction from 0 to 1: send {} for {r}%", r / 100.0),
        ),
        Some(r) if !(0.0..=1.0).contains(&r) => e.add("satisfaction_rate", "must be a fraction from 0 to 1"),
        _ => {}
    }
    e.finish(()).map_err(ApiError::Validation)?;
    match (input.year, kind, input.satisfaction_rate) {
        (Some(year), Some(kind), Some(rate)) => Ok(Target {
            year,
            kind: kind.as_str().into(),
            satisfaction_rate: rate,
            updated_at: now().naive_utc(),
        }),
        _ => Err(ApiError::field("body", "is incomplete")),
    }
}

/// `GET /api/v1/targets?year=2026`.
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<TargetQuery>,
) -> Result<HttpResponse, ApiError> {
    op.require(&[Role::Admin, Role::Manager])?;
    let year = q.year;
    let all = state
        .db
        .read(move |c| store::targets::list(c, year).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(items(all.iter().map(view).collect())))
}

async fn set(state: web::Data<AppState>, t: Target) -> Result<HttpResponse, ApiError> {
    let (t, new) = state
        .db
        .write(move |c| {
            let new = store::targets::upsert(c, &t)?;
            Ok::<_, ApiError>((t, new))
        })
        .await?;
    Ok(if new {
        created(location(&t), view(&t))
    } else {
        HttpResponse::Ok().json(view(&t))
    })
}

/// `POST /api/v1/targets` `{"year", "kind", "satisfaction_rate"}`: sets it (201 new, 200 replaced).
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TargetInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    set(state, validated(body.into_inner())?).await
}

/// `PUT /api/v1/targets/{year}/{kind}` `{"satisfaction_rate"}`.
pub async fn put(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<(String, String)>,
    body: JsonBody<TargetInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let (year, kind) = path.into_inner();
    let mut input = body.into_inner();
    let year: i32 = year
        .parse()
        .map_err(|_| ApiError::NotFound(format!("no target year \"{year}\"")))?;
    for (field, differs) in [
        ("year", input.year.is_some_and(|y| y != year)),
        ("kind", input.kind.as_ref().is_some_and(|k| *k != kind)),
    ] {
        if differs {
            return Err(ApiError::field(
                field,
                "differs from the path; the path names the target",
            ));
        }
    }
    input.year = Some(year);
    input.kind = Some(kind);
    set(state, validated(input)?).await
}

/// `DELETE /api/v1/targets/{year}/{kind}`: 204, or 404 when none was set.
pub async fn delete(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let (year, kind) = path.into_inner();
    let missing = || ApiError::NotFound(format!("no target for {kind} in {year}"));
    let y: i32 = year.parse().map_err(|_| missing())?;
    let k = kind.clone();
    let removed = state
        .db
        .write(move |c| store::targets::delete(c, y, &k).map_err(ApiError::from))
        .await?;
    if removed {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(missing())
    }
}
