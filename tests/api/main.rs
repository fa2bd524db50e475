//! The one integration test binary: the real server over HTTP, on SQLite and PostgreSQL.

mod helpers;
mod pg;

mod auth;
mod binary;
mod browser;
mod casework;
mod config_api;
mod contract;
mod errors;
mod hardening;
mod holidays;
mod instances;
mod intake;
mod mail;
mod office;
mod open311;
mod operations;
mod queues;
mod schema;
mod scorecard_sums;
mod scorecards;
mod smtp;
mod tracking;
