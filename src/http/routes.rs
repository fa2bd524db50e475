//! Every route, in one place, used by `main` and by the tests alike.

use actix_web::web;

use super::{
    actions, cases, categories, config, extract, holidays, operators, ops, outbox, pages, queue, rules, stats, surveys,
    targets, teams, tokens, track,
};

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    extract::configure(cfg);
    cfg.route("/healthz", web::get().to(ops::healthz))
        .route("/readyz", web::get().to(ops::readyz))
        .route("/track/{receipt_no}", web::get().to(track::page))
        .service(
            web::resource("/s/{token}")
                .route(web::get().to(pages::show))
                .route(web::post().to(pages::submit)),
        )
        .service(
            web::scope("/api/v1")
                .service(
                    web::resource("/cases")
                        .route(web::get().to(queue::list))
                        .route(web::post().to(cases::create)),
                )
                .service(web::resource("/cases/{id}").route(web::get().to(cases::get)))
                .service(web::resource("/cases/{id}/events").route(web::get().to(cases::events)))
                .service(web::resource("/cases/{id}/assign").route(web::post().to(actions::assign)))
                .service(web::resource("/cases/{id}/transfer").route(web::post().to(actions::transfer)))
                .service(web::resource("/cases/{id}/notes").route(web::post().to(actions::note)))
                .service(web::resource("/cases/{id}/replies").route(web::post().to(actions::reply)))
                .service(web::resource("/cases/{id}/start").route(web::post().to(actions::start)))
                .service(web::resource("/cases/{id}/hold").route(web::post().to(actions::hold)))
                .service(web::resource("/cases/{id}/resume").route(web::post().to(actions::resume)))
                .service(web::resource("/cases/{id}/extend").route(web::post().to(actions::extend)))
                .service(web::resource("/cases/{id}/resolve").route(web::post().to(actions::resolve)))
                .service(web::resource("/cases/{id}/reopen").route(web::post().to(actions::reopen)))
                .service(web::resource("/cases/{id}/close").route(web::post().to(actions::close)))
                .service(web::resource("/track/{receipt_no}").route(web::get().to(track::show)))
                .service(web::resource("/track/{receipt_no}/withdraw").route(web::post().to(track::withdraw)))
                .service(web::resource("/track/{receipt_no}/re-review").route(web::post().to(track::re_review)))
                .service(
                    web::resource("/teams")
                        .route(web::get().to(teams::list))
                        .route(web::post().to(teams::create)),
                )
                .service(
                    web::resource("/teams/{id}")
                        .route(web::get().to(config::get::<teams::Teams>))
                        .route(web::patch().to(config::update::<teams::Teams>))
                        .route(web::delete().to(config::deactivate::<teams::Teams>)),
                )
                .service(
                    web::resource("/categories")
                        .route(web::get().to(categories::list))
                        .route(web::post().to(categories::create)),
                )
                .service(
                    web::resource("/categories/{id}")
                        .route(web::get().to(config::get::<categories::Categories>))
                        .route(web::patch().to(config::update::<categories::Categories>))
                        .route(web::delete().to(config::deactivate::<categories::Categories>)),
                )
                .service(
                    web::resource("/routing-rules")
                        .route(web::get().to(rules::list))
                        .route(web::post().to(rules::create)),
                )
                .service(
                    web::resource("/routing-rules/{id}")
                        .route(web::get().to(config::get::<rules::Rules>))
                        .route(web::patch().to(config::update::<rules::Rules>))
                        .route(web::delete().to(config::deactivate::<rules::Rules>)),
                )
                .service(
                    web::resource("/holidays")
                        .route(web::get().to(holidays::list))
                        .route(web::post().to(holidays::create)),
                )
                .service(
                    web::resource("/holidays/{date}")
                        .route(web::patch().to(holidays::update))
                        .route(web::delete().to(holidays::deactivate)),
                )
                .service(
                    web::resource("/operators")
                        .route(web::get().to(operators::list))
                        .route(web::post().to(operators::create)),
                )
                .service(
                    web::resource("/operators/{id}")
                        .route(web::get().to(config::get::<operators::Operators>))
                        .route(web::patch().to(config::update::<operators::Operators>))
                        .route(web::delete().to(config::deactivate::<operators::Operators>)),
                )
                .service(
                    web::resource("/tokens")
                        .route(web::get().to(tokens::list))
                        .route(web::post().to(tokens::create)),
                )
                .service(web::resource("/tokens/{id}").route(web::delete().to(tokens::deactivate)))
                .service(web::resource("/cases/{id}/survey").route(web::post().to(surveys::phone)))
                .service(web::resource("/surveys").route(web::get().to(surveys::list)))
                .service(
                    web::resource("/surveys/{token}")
                        .route(web::get().to(surveys::show))
                        .route(web::post().to(surveys::answer)),
                )
                .service(web::resource("/happy-calls").route(web::get().to(surveys::worklist)))
                .service(web::resource("/follow-ups").route(web::get().to(surveys::follow_ups)))
                .service(web::resource("/follow-ups/{id}/done").route(web::post().to(surveys::follow_up_done)))
                .service(web::resource("/outbox").route(web::get().to(outbox::list)))
                .service(web::resource("/outbox/{id}/retry").route(web::post().to(outbox::retry)))
                .service(web::resource("/stats/teams").route(web::get().to(stats::teams)))
                .service(web::resource("/stats/monthly").route(web::get().to(stats::monthly)))
                .service(web::resource("/stats/ranking").route(web::get().to(stats::ranking)))
                .service(
                    web::resource("/targets")
                        .route(web::get().to(targets::list))
                        .route(web::post().to(targets::create)),
                )
                .service(
                    web::resource("/targets/{year}/{kind}")
                        .route(web::put().to(targets::put))
                        .route(web::delete().to(targets::delete)),
                ),
        )
        .default_service(web::to(ops::not_found));
}
