//! Every route, in one place, used by `main` and by the tests alike.

use actix_web::web;

use super::hygiene::at;

use super::api::{
    actions, cases, categories, holidays, operators, ops, outbox, queue, rules, stats, surveys, targets, teams, tokens,
    track,
};
use super::citizen;
use super::extract;

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    extract::configure(cfg);
    cfg.service(at("/healthz").get(ops::healthz).done())
        .service(at("/readyz").get(ops::readyz).done())
        .service(at("/metrics").get(ops::metrics).done())
        .service(at("/track/{receipt_no}").get(citizen::track::page).done())
        .service(
            at("/s/{token}")
                .get(citizen::surveys::show)
                .post(citizen::surveys::submit)
                .done(),
        )
        .service(
            web::scope("/api/v1")
                .service(at("/cases").get(queue::list).post(cases::create).done())
                .service(at("/cases/{id}").get(cases::get).done())
                .service(at("/cases/{id}/events").get(cases::events).done())
                .service(at("/cases/{id}/assign").post(actions::assign).done())
                .service(at("/cases/{id}/transfer").post(actions::transfer).done())
                .service(at("/cases/{id}/notes").post(actions::note).done())
                .service(at("/cases/{id}/replies").post(actions::reply).done())
                .service(at("/cases/{id}/start").post(actions::start).done())
                .service(at("/cases/{id}/hold").post(actions::hold).done())
                .service(at("/cases/{id}/resume").post(actions::resume).done())
                .service(at("/cases/{id}/extend").post(actions::extend).done())
                .service(at("/cases/{id}/resolve").post(actions::resolve).done())
                .service(at("/cases/{id}/reopen").post(actions::reopen).done())
                .service(at("/cases/{id}/close").post(actions::close).done())
                .service(at("/track/{receipt_no}").get(track::show).done())
                .service(at("/track/{receipt_no}/withdraw").post(track::withdraw).done())
                .service(at("/track/{receipt_no}/re-review").post(track::re_review).done())
                .service(at("/teams").get(teams::list).post(teams::create).done())
                .service(
                    at("/teams/{id}")
                        .get(teams::get)
                        .patch(teams::update)
                        .delete(teams::deactivate)
                        .done(),
                )
                .service(at("/categories").get(categories::list).post(categories::create).done())
                .service(
                    at("/categories/{id}")
                        .get(categories::get)
                        .patch(categories::update)
                        .delete(categories::deactivate)
                        .done(),
                )
                .service(at("/routing-rules").get(rules::list).post(rules::create).done())
                .service(
                    at("/routing-rules/{id}")
                        .get(rules::get)
                        .patch(rules::update)
                        .delete(rules::deactivate)
                        .done(),
                )
                .service(at("/holidays").get(holidays::list).post(holidays::create).done())
                .service(
                    at("/holidays/{date}")
                        .patch(holidays::update)
                        .delete(holidays::deactivate)
                        .done(),
                )
                .service(at("/operators").get(operators::list).post(operators::create).done())
                .service(
                    at("/operators/{id}")
                        .get(operators::get)
                        .patch(operators::update)
                        .delete(operators::deactivate)
                        .done(),
                )
                .service(at("/tokens").get(tokens::list).post(tokens::create).done())
                .service(at("/tokens/{id}").delete(tokens::deactivate).done())
                .service(at("/cases/{id}/survey").post(surveys::phone).done())
                .service(at("/surveys").get(surveys::list).done())
                .service(at("/surveys/{token}").get(surveys::show).post(surveys::answer).done())
                .service(at("/happy-calls").get(surveys::worklist).done())
                .service(at("/follow-ups").get(surveys::follow_ups).done())
                .service(at("/follow-ups/{id}/done").post(surveys::follow_up_done).done())
                .service(at("/outbox").get(outbox::list).done())
                .service(at("/outbox/{id}/retry").post(outbox::retry).done())
                .service(at("/stats/teams").get(stats::teams).done())
                .service(at("/stats/monthly").get(stats::monthly).done())
                .service(at("/stats/ranking").get(stats::ranking).done())
                .service(at("/targets").get(targets::list).post(targets::create).done())
                .service(
                    at("/targets/{year}/{kind}")
                        .put(targets::put)
                        .delete(targets::delete)
                        .done(),
                ),
        )
        .default_service(web::to(ops::not_found));
}
