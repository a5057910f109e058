//! The server side of launchready, below the web app and the worker: the sea-orm entities,
//! tenancy (a `TenantScope` proves who is asking), the services by area and the adapters to
//! what lies outside the process.
//!
//! Areas call downwards only: `entities`, `db` and `quota` at the bottom, then accounts,
//! products, monitors, audits, alerts, billing and sprints. Every tenant query takes a
//! `TenantScope`, so another tenant's row looks exactly like a missing one.

pub mod accounts;
pub mod activity;
pub mod alerts;
pub mod audits;
pub mod billing;
pub mod branding;
pub mod context;
pub mod dashboard;
pub mod db;
pub mod entities;
pub mod ids;
pub mod infra;
pub mod jobs;
pub mod monitors;
pub mod outbox;
pub mod portfolio;
pub mod products;
pub mod quota;
pub mod reports;
pub mod shares;
pub mod sprints;
pub mod team;
pub mod tenancy;
pub mod text_enum;
pub mod usecases;
pub mod workspaces;
