//! Every route, in one place, used by `main` and by the tests alike.

use actix_web::web;

use super::hygiene::at;

use super::api::{
    actions, cases, categories, doc, holidays, operators, ops, outbox, queue, rules, stats, surveys, targets, teams,
    tokens, track,
};
use super::citizen;
use super::extract;

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    extract::configure(cfg);
    // The first route that matches wins, and each one with a variable is a
    // regular expression tried in turn: the API, the busiest door, comes first
    // (its case reads had spent a tenth of their time trying the office's and
    // Open311's routes). The doors' paths do not overlap, so the order changes
    // nothing else.
    cfg.service(at("/healthz").get(ops::healthz).done())
        .service(at("/readyz").get(ops::readyz).done())
        .service(at("/metrics").get(ops::metrics).done())
        .service(at("/api-docs").get(doc::folder).done())
        .service(at("/api-docs/openapi.json").get(doc::json).done())
        .service(at("/api-docs/{file:.*}").get(doc::page).done())
        .service(at("/track/{receipt_no}").get(citizen::track::page).done())
        .service(
            at("/s/{token}")
                .get(citizen::surveys::show)
                .post(citizen::surveys::submit)
                .done(),
        )
        .service(at("/api/v1/cases").get(queue::list).post(cases::create).done())
        .service(at("/api/v1/cases/{id}").get(cases::get).done())
        .service(at("/api/v1/cases/{id}/events").get(cases::events).done())
        .service(at("/api/v1/cases/{id}/assign").post(actions::assign).done())
        .service(at("/api/v1/cases/{id}/transfer").post(actions::transfer).done())
        .service(at("/api/v1/cases/{id}/notes").post(actions::note).done())
        .service(at("/api/v1/cases/{id}/replies").post(actions::reply).done())
        .service(at("/api/v1/cases/{id}/start").post(actions::start).done())
        .service(at("/api/v1/cases/{id}/hold").post(actions::hold).done())
        .service(at("/api/v1/cases/{id}/resume").post(actions::resume).done())
        .service(at("/api/v1/cases/{id}/extend").post(actions::extend).done())
        .service(at("/api/v1/cases/{id}/resolve").post(actions::resolve).done())
        .service(at("/api/v1/cases/{id}/reopen").post(actions::reopen).done())
        .service(at("/api/v1/cases/{id}/close").post(actions::close).done())
        .service(at("/api/v1/track/{receipt_no}").get(track::show).done())
        .service(at("/api/v1/track/{receipt_no}/withdraw").post(track::withdraw).done())
        .service(at("/api/v1/track/{receipt_no}/re-review").post(track::re_review).done())
        .service(at("/api/v1/teams").get(teams::list).post(teams::create).done())
        .service(
            at("/api/v1/teams/{id}")
                .get(teams::get)
                .patch(teams::update)
                .delete(teams::deactivate)
                .done(),
        )
        .service(
            at("/api/v1/categories")
                .get(categories::list)
                .post(categories::create)
                .done(),
        )
        .service(
            at("/api/v1/categories/{id}")
                .get(categories::get)
                .patch(categories::update)
                .delete(categories::deactivate)
                .done(),
        )
        .service(at("/api/v1/routing-rules").get(rules::list).post(rules::create).done())
        .service(
            at("/api/v1/routing-rules/{id}")
                .get(rules::get)
                .patch(rules::update)
                .delete(rules::deactivate)
                .done(),
        )
        .service(at("/api/v1/holidays").get(holidays::list).post(holidays::create).done())
        .service(
            at("/api/v1/holidays/{date}")
                .patch(holidays::update)
                .delete(holidays::deactivate)
                .done(),
        )
        .service(
            at("/api/v1/operators")
                .get(operators::list)
                .post(operators::create)
                .done(),
        )
        .service(
            at("/api/v1/operators/{id}")
                .get(operators::get)
                .patch(operators::update)
                .delete(operators::deactivate)
                .done(),
        )
        .service(at("/api/v1/tokens").get(tokens::list).post(tokens::create).done())
        .service(at("/api/v1/tokens/{id}").delete(tokens::deactivate).done())
        .service(at("/api/v1/cases/{id}/survey").post(surveys::phone).done())
        .service(at("/api/v1/surveys").get(surveys::list).done())
        .service(
            at("/api/v1/surveys/{token}")
                .get(surveys::show)
                .post(surveys::answer)
                .done(),
        )
        .service(at("/api/v1/happy-calls").get(surveys::worklist).done())
        .service(at("/api/v1/follow-ups").get(surveys::follow_ups).done())
        .service(at("/api/v1/follow-ups/{id}/done").post(surveys::follow_up_done).done())
        .service(at("/api/v1/outbox").get(outbox::list).done())
        .service(at("/api/v1/outbox/{id}/retry").post(outbox::retry).done())
        .service(at("/api/v1/stats/teams").get(stats::teams).done())
        .service(at("/api/v1/stats/monthly").get(stats::monthly).done())
        .service(at("/api/v1/stats/ranking").get(stats::ranking).done())
        .service(at("/api/v1/targets").get(targets::list).post(targets::create).done())
        .service(
            at("/api/v1/targets/{year}/{kind}")
                .put(targets::put)
                .delete(targets::delete)
                .done(),
        );
    super::open311::configure(cfg);
    super::office::configure(cfg);
    cfg.default_service(web::to(ops::not_found));
}
#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::web::api::doc::DOCUMENT;
    use crate::web::hygiene::registered;

    /// Every (path, method) routed is in the published document and every
    /// documented operation is routed; the docs page itself is not an operation.
    #[test]
    fn the_routes_and_the_document_match() {
        let _ = actix_web::App::new().configure(super::configure);
        let routed: BTreeSet<(String, String)> = registered()
            .into_iter()
            // The docs page and the back office are pages for people, not operations.
            .filter(|(path, _)| !path.starts_with("/api-docs") && !path.starts_with("/office"))
            .flat_map(|(path, methods)| methods.into_iter().map(move |m| (path.clone(), m.to_string())))
            .collect();
        let mut documented = BTreeSet::new();
        for (path, item) in &DOCUMENT.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
                ("HEAD", &item.head),
                ("OPTIONS", &item.options),
            ] {
                if op.is_some() {
                    documented.insert((path.clone(), method.to_string()));
                }
            }
        }
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "routed but not documented: {undocumented:?}\ndocumented but not routed: {unrouted:?}"
        );
        assert!(routed.len() > 50, "the routes were not registered: {}", routed.len());
    }
}
