//! Password hashing on threads of its own. argon2id is slow on purpose (tens of milliseconds
//! and 19 MiB per hash), so it cannot run on the async workers; on tokio's shared blocking
//! pool it would queue behind whatever else blocks there, and sign-in, sign-up and password
//! changes would wait for every user. A few named threads take the hashes in order from a
//! bounded queue; nothing else runs on them.

use domain::DomainError;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot};

type Job = Box<dyn FnOnce() + Send>;

/// Hashes waiting beyond this make callers wait for a place (the request timeout bounds it).
const QUEUE: usize = 256;

fn queue() -> &'static mpsc::Sender<Job> {
    static QUEUE_SENDER: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    QUEUE_SENDER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        // Two threads at least (one slow hash does not hold up the next sign-in), at most four
        // (each hash holds 19 MiB while it runs).
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || loop {
                    // One thread waits on the queue while the others wait for the lock.
                    let job = receiver.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).blocking_recv();
                    match job {
                        // A panicking hash must not take its thread with it.
                        Some(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                        None => break,
                    }
                })
                .expect("the password hashing threads start");
        }
        sender
    })
}

/// Runs `work` on the password threads and waits for its result.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, DomainError> {
    let (reply, result) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    queue().send(job).await.map_err(|_| DomainError::Internal("the password hashing threads stopped".into()))?;
    result.await.map_err(|_| DomainError::Internal("password hashing failed".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The blocking pool is full (one thread, held by a stuck task, as a tarpitted probe once
    /// held it); hashing still answers. On the blocking pool it would wait for ever.
    #[test]
    fn hashing_does_not_wait_for_the_blocking_pool() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).max_blocking_threads(1).enable_all().build().unwrap();
        runtime.block_on(async {
            let (release, stuck) = std::sync::mpsc::channel::<()>();
            let hog = tokio::task::spawn_blocking(move || stuck.recv());
            let hashed = tokio::time::timeout(Duration::from_secs(60), run(|| 6 * 7)).await;
            release.send(()).unwrap();
            hog.await.unwrap().unwrap();
            assert_eq!(hashed.expect("hashing waited behind the blocking pool").unwrap(), 42);
        });
    }

    #[tokio::test]
    async fn a_panicking_job_leaves_the_threads_working() {
        let failed = run(|| -> u8 { panic!("boom") }).await;
        assert!(failed.is_err());
        for n in 0..8u32 {
            assert_eq!(run(move || n + 1).await.unwrap(), n + 1);
        }
    }
}
