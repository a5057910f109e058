//! Integration tests: the real application on port 0, a fresh database per test, driven over
//! HTTP. Every test runs on SQLite and on PostgreSQL (`LAUNCHREADY_TEST_PG`).

mod helpers;

mod accounts;
mod agency;
mod alert_isolation;
mod audit_flow;
mod billing;
mod config;
mod crash;
mod cross_tenant;
mod drain;
mod edge_monitor;
mod fair_use;
mod hardening;
mod limits;
mod monitoring;
mod pool;
mod portfolio;
mod private_addresses;
mod products;
mod proxy;
mod receivers;
mod reports;
mod roles;
mod rubric;
mod scan_cli;
mod scan_fixture;
mod self_audit;
mod shares;
mod sprints;
mod status_page;
mod tarpit;
