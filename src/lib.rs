//! civicdesk: grievances and proposals routed to their team, tracked against
//! a legal deadline in business days, answered and followed by a happy call.

#[macro_use]
pub mod domain;

pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod mail;
pub mod metrics;
pub mod service;
pub mod startup;
pub mod store;
pub mod web;
