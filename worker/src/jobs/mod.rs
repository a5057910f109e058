//! The background jobs (apalis handlers) and what they share.
pub mod audit;
pub mod billing;
pub mod delivery;
pub mod deps;
pub mod email;
pub mod maintenance;
pub mod monitor;

use apalis::prelude::BoxDynError;

/// Runs a job's body on its own tokio task and waits for it; dropping the wait (the job's
/// timeout, a shutdown) aborts the task.
///
/// Why: a handler's future must be `Send` for every lifetime apalis' service stack asks about,
/// and rustc cannot prove that for async code holding references across awaits (rust#102211).
/// `tokio::spawn` checks `Send` for the concrete future, which holds.
pub(crate) async fn on_own_task<F>(body: F) -> Result<(), BoxDynError>
where
    F: std::future::Future<Output = Result<(), BoxDynError>> + Send + 'static,
{
    struct AbortOnDrop(tokio::task::AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let handle = tokio::spawn(body);
    let _guard = AbortOnDrop(handle.abort_handle());
    match handle.await {
        Ok(result) => result,
        Err(join) => Err(format!("job task ended abnormally: {join}").into()),
    }
}
