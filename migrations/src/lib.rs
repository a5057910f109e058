//! Schema migrations, one file per change. Every migration runs on SQLite and PostgreSQL;
//! the integration tests apply them to both.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_accounts_and_tenancy;
mod m20261122_000002_products;
mod m20261122_000003_dev_outbox;
mod m20261123_000004_audits_and_monitoring;
mod m20261123_000005_billing_and_sprints;
mod m20261203_000006_honest_verdicts;
mod m20261203_000007_agencies;
mod m20261203_000008_share_links_and_branding;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts_and_tenancy::Migration),
            Box::new(m20261122_000002_products::Migration),
            Box::new(m20261122_000003_dev_outbox::Migration),
            Box::new(m20261123_000004_audits_and_monitoring::Migration),
            Box::new(m20261123_000005_billing_and_sprints::Migration),
            Box::new(m20261203_000006_honest_verdicts::Migration),
            Box::new(m20261203_000007_agencies::Migration),
            Box::new(m20261203_000008_share_links_and_branding::Migration),
        ]
    }
}
