//! The registry type: what a registered check is, and how a family adds its checks by
//! catalog id. The one instance, with every family in it, is `checks::registry()`.

use super::catalog::{catalog, CheckSpec};
use super::context::AuditContext;
use super::model::Outcome;
use std::future::Future;
use std::pin::Pin;

pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
type RunFn = Box<dyn for<'a> Fn(&'a AuditContext) -> CheckFuture<'a> + Send + Sync>;

pub struct Check {
    pub spec: &'static CheckSpec,
    /// Runs after every other check: it uses up something the others need (a rate limit).
    pub exhausting: bool,
    run: RunFn,
}

impl Check {
    pub fn run<'a>(&self, cx: &'a AuditContext) -> CheckFuture<'a> {
        (self.run)(cx)
    }
}

#[derive(Default)]
pub struct Registry {
    checks: Vec<Check>,
}

impl Registry {
    /// Registers the code of the catalog entry `id`. Unknown or repeated ids are build defects
    /// caught by the registry tests.
    pub fn add<F>(&mut self, id: &str, run: F)
    where
        F: for<'a> Fn(&'a AuditContext) -> CheckFuture<'a> + Send + Sync + 'static,
    {
        self.push(id, false, Box::new(run));
    }

    /// A check that spends the target's quota on purpose: the engine runs it once every other
    /// check has finished.
    pub fn add_exhausting<F>(&mut self, id: &str, run: F)
    where
        F: for<'a> Fn(&'a AuditContext) -> CheckFuture<'a> + Send + Sync + 'static,
    {
        self.push(id, true, Box::new(run));
    }

    fn push(&mut self, id: &str, exhausting: bool, run: RunFn) {
        let spec = catalog().spec(id).unwrap_or_else(|| panic!("check {id} is not in catalog.toml"));
        assert!(self.checks.iter().all(|c| c.spec.id != id), "check {id} registered twice");
        self.checks.push(Check { spec, exhausting, run });
    }

    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Catalog order, so every report lists checks the same way.
    pub(crate) fn sort_in_catalog_order(&mut self) {
        self.checks.sort_by_key(|c| catalog().checks.iter().position(|s| s.id == c.spec.id));
    }
}
