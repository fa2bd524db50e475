//! The REST API: one file per resource, each parsing the request, calling
//! the use case and rendering JSON (problems as problem+json).

pub mod actions;
pub mod cases;
pub mod categories;
pub mod doc;
pub mod holidays;
pub mod operators;
pub mod ops;
pub mod outbox;
pub mod queue;
pub mod rules;
pub mod stats;
pub mod surveys;
pub mod targets;
pub mod teams;
pub mod tokens;
pub mod track;
