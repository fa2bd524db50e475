//! `/office/settings/categories`: every category with its kind, deadline and
//! questions, a form to add one, and `…/{id}` to edit one — its questions as
//! the JSON list `/api/v1/categories` takes — through the same use cases.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{admin, html, one, Fields};
use crate::domain::attributes::Attribute;
use crate::service::catalog::questions;
use crate::service::settings::categories::{self, CategoryChange, DeadlineChange};
use crate::service::settings::teams;
use crate::service::ServiceError;
use crate::store::{self, categories::Category};
use crate::web::extract::Body;
use crate::web::office::words::t;
use crate::web::office::{checked_form, form_problem, see_other, Frame, Office, OfficeError};
use crate::web::problem::ApiError;
use crate::web::AppState;

const LIST: &str = "/office/settings/categories";

/// A category as the list shows it.
struct CategoryRow {
    id: String,
    code: String,
    name: String,
    kind: &'static str,
    deadline: String,
    team: String,
    /// Each question: its code, and its datatype and whether it is required, in words.
    questions: Vec<(String, String)>,
    active: bool,
}

/// A category form's fields as typed, so that a refused form comes back as it was sent.
#[derive(Default)]
struct CategoryForm {
    code: String,
    name: String,
    name_en: String,
    kind: String,
    default_team_id: String,
    deadline_amount: String,
    deadline_unit: String,
    keywords: String,
    description: String,
    attributes: String,
    active: bool,
}

impl CategoryForm {
    /// The form as a posted body sends it.
    fn sent(fields: &Fields) -> Self {
        let field = |name: &str| one(fields, name).unwrap_or_default();
        CategoryForm {
            code: field("code"),
            name: field("name"),
            name_en: field("name_en"),
            kind: field("kind"),
            default_team_id: field("default_team_id"),
            deadline_amount: field("deadline_amount"),
            deadline_unit: field("deadline_unit"),
            keywords: field("keywords"),
            description: field("description"),
            attributes: field("attributes"),
            active: fields.contains_key("active"),
        }
    }

    /// The form filled with a stored category.
    fn of(cat: &Category) -> Self {
        CategoryForm {
            code: cat.code.clone(),
            name: cat.name.clone(),
            name_en: cat.name_en.clone().unwrap_or_default(),
            kind: cat.kind.clone(),
            default_team_id: cat.default_team_id.as_ref().map(|t| t.to_string()).unwrap_or_default(),
            deadline_amount: cat.deadline_amount.to_string(),
            deadline_unit: cat.deadline_unit.clone(),
            keywords: store::keywords_from_text(&cat.keywords).join(", "),
            description: cat.description.clone().unwrap_or_default(),
            attributes: serde_json::to_string_pretty(&questions(cat)).unwrap_or_else(|_| "[]".into()),
            active: cat.active,
        }
    }

    /// The change the form asks for. `editing` also sets whether it is
    /// active (an unticked box sends nothing). Only what the use case cannot
    /// read is refused here: a number or a JSON list that does not parse.
    fn change(&self, editing: bool) -> Result<CategoryChange, ServiceError> {
        let blank_is_none = |s: &str| Some(Some(s.trim().to_string()).filter(|s| !s.is_empty()));
        let amount = match self.deadline_amount.trim() {
            "" => None,
            n => Some(
                n.parse::<i64>()
                    .map_err(|_| ServiceError::field("deadline.amount", "must be a whole number, e.g. 7"))?,
            ),
        };
        let attributes: Vec<Attribute> = match self.attributes.trim() {
            "" => Vec::new(),
            json => serde_json::from_str(json).map_err(|e| {
                ServiceError::field(
                    "attributes",
                    format!("is not a JSON list of questions as the API takes them: {e}"),
                )
            })?,
        };
        Ok(CategoryChange {
            code: Some(self.code.clone()),
            name: Some(self.name.clone()),
            name_en: blank_is_none(&self.name_en),
            kind: Some(self.kind.clone()).filter(|k| !k.is_empty()),
            default_team_id: blank_is_none(&self.default_team_id),
            deadline: Some(DeadlineChange {
                amount,
                unit: Some(self.deadline_unit.clone()).filter(|u| !u.is_empty()),
            }),
            keywords: Some(
                self.keywords
                    .split([',', '\n'])
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            description: blank_is_none(&self.description),
            active: editing.then_some(self.active),
            attributes: Some(attributes),
        })
    }
}

/// A deadline in words: `7 days`, `1 개월`.
fn deadline_words(lang: &str, amount: i32, unit: &str) -> String {
    let key = match unit {
        "hours" => "unit_hours",
        "months" => "unit_months",
        _ => "unit_days",
    };
    format!("{amount} {}", t(lang, key))
}

#[derive(Template)]
#[template(path = "office/categories.html")]
struct CategoriesPage {
    frame: Frame,
    categories: Vec<CategoryRow>,
    teams: Vec<(String, String)>,
    form: CategoryForm,
    problem: String,
}

/// The active teams, to choose a default team from, and the team already
/// chosen even if inactive (else saving the form would silently clear it).
fn team_choices(list: Vec<store::teams::Team>, chosen: Option<&str>) -> Vec<(String, String)> {
    list.into_iter()
        .filter(|t| t.active || chosen == Some(t.id.to_string().as_str()))
        .map(|t| (t.id.to_string(), t.name))
        .collect()
}

async fn list_page(
    state: &AppState,
    office: &Office,
    status: StatusCode,
    form: CategoryForm,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let (list, all_teams) = state
        .db
        .read(move |c| Ok::<_, ServiceError>((categories::list(c, &op)?, teams::list(c, &op)?)))
        .await?;
    let lang = office.lang().to_string();
    let team_name = |id: &Option<crate::db::types::Id>| {
        id.as_ref()
            .and_then(|id| all_teams.iter().find(|t| &t.id == id))
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let rows = list
        .iter()
        .map(|c| CategoryRow {
            id: c.id.to_string(),
            code: c.code.clone(),
            name: match &c.name_en {
                Some(en) => format!("{} ({en})", c.name),
                None => c.name.clone(),
            },
            kind: t(&lang, &c.kind),
            deadline: deadline_words(&lang, c.deadline_amount, &c.deadline_unit),
            team: team_name(&c.default_team_id),
            questions: questions(c)
                .into_iter()
                .map(|q| {
                    let mut about = q.datatype.clone();
                    if q.required {
                        about = format!("{about}, {}", t(&lang, "required"));
                    }
                    (q.code, about)
                })
                .collect(),
            active: c.active,
        })
        .collect();
    html(
        status,
        CategoriesPage {
            frame: office.frame("settings", t(&lang, "categories").into()),
            categories: rows,
            teams: team_choices(all_teams, None),
            form,
            problem,
        },
    )
}

/// `GET /office/settings/categories`.
pub async fn list(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    let form = CategoryForm {
        kind: "grievance".into(),
        deadline_amount: "7".into(),
        deadline_unit: "days".into(),
        attributes: "[]".into(),
        ..Default::default()
    };
    list_page(&state, &office, StatusCode::OK, form, String::new()).await
}

/// `POST /office/settings/categories`: a new category from the add form.
pub async fn create(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    // Checked before the form is read: a refusal shows the admin's page.
    admin(&office)?;
    let form = CategoryForm::sent(&fields);
    let op = office.current.operator.clone();
    let result = match form.change(false) {
        Ok(input) => state.db.write(move |c| categories::create(c, &op, input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(LIST)),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            list_page(&state, &office, status, form, problem).await
        }
    }
}

/// `POST /office/settings/categories/{id}/deactivate`.
pub async fn deactivate(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    checked_form(&req, &office, body, &state).await?;
    admin(&office)?;
    let op = office.current.operator.clone();
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    match state.db.write(move |c| categories::deactivate(c, &op, &id)).await {
        Ok(_) => Ok(see_other(LIST)),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            list_page(&state, &office, status, CategoryForm::default(), problem).await
        }
    }
}

#[derive(Template)]
#[template(path = "office/category.html")]
struct CategoryPage {
    frame: Frame,
    id: String,
    teams: Vec<(String, String)>,
    form: CategoryForm,
    problem: String,
}

async fn edit_page(
    state: &AppState,
    office: &Office,
    id: String,
    status: StatusCode,
    form: Option<CategoryForm>,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let key = id.clone();
    let (cat, all_teams) = state
        .db
        .read(move |c| Ok::<_, ServiceError>((categories::show(c, &op, &key)?, teams::list(c, &op)?)))
        .await?;
    let lang = office.lang().to_string();
    html(
        status,
        CategoryPage {
            frame: office.frame("settings", format!("{} · {}", t(&lang, "edit_category"), cat.code)),
            id: cat.id.to_string(),
            teams: team_choices(
                all_teams,
                cat.default_team_id.as_ref().map(|t| t.to_string()).as_deref(),
            ),
            form: form.unwrap_or_else(|| CategoryForm::of(&cat)),
            problem,
        },
    )
}

/// `GET /office/settings/categories/{id}`: the edit form.
pub async fn edit(state: web::Data<AppState>, office: Office, req: HttpRequest) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    edit_page(&state, &office, id, StatusCode::OK, None, String::new()).await
}

/// `POST /office/settings/categories/{id}`: saves the edit form.
pub async fn save(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    // Checked before the form is read: a refusal shows the admin's page.
    admin(&office)?;
    let form = CategoryForm::sent(&fields);
    let op = office.current.operator.clone();
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    let key = id.clone();
    let result = match form.change(true) {
        Ok(input) => state.db.write(move |c| categories::change(c, &op, &key, input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(LIST)),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            edit_page(&state, &office, id, status, Some(form), problem).await
        }
    }
}
