//! How an idle queue worker looks for new jobs: every `interval`, for real.
//!
//! apalis-core 1.0's `IntervalStrategy` replaces its timer when it fires but does not poll the
//! new one, so no wake-up is registered; an idle worker then sleeps until its next heartbeat
//! (seconds to tens of seconds) and a new job waits that long. This strategy polls the renewed
//! timer at once, which registers the worker's waker for the next tick.

use apalis::prelude::{PollSnapshot, PollStrategy};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Interval, MissedTickBehavior};

pub struct EveryInterval {
    period: Duration,
    ticks: Option<Interval>,
}

impl EveryInterval {
    pub fn new(period: Duration) -> Self {
        Self { period: period.max(Duration::from_millis(1)), ticks: None }
    }
}

impl PollStrategy for EveryInterval {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _snapshot: &PollSnapshot) -> Poll<Option<()>> {
        let period = self.period;
        // Created on first use: inside the worker's runtime, and the first tick is one period away.
        let ticks = self.ticks.get_or_insert_with(|| {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            ticks
        });
        if ticks.poll_tick(cx).is_ready() {
            // Registers the waker for the following tick (see the module comment).
            let _ = ticks.poll_tick(cx);
            return Poll::Ready(Some(()));
        }
        Poll::Pending
    }
}
