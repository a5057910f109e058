//! The live progress line on a terminal, and whether output may be coloured.

use engine::Progress;
use std::io::Write;

/// `NO_COLOR` (https://no-color.org) set to anything non-empty turns colour off.
pub(super) fn colour_wanted(to_terminal: bool) -> bool {
    to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The live `[done/total] check-id` line on a terminal's stderr.
pub(super) struct ProgressLine {
    pub(super) enabled: bool,
}

impl ProgressLine {
    pub(super) fn start(&self, target: &str) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2Kscanning {target} …");
            let _ = err.flush();
        }
    }

    pub(super) fn update(&self, progress: Progress<'_>) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{}/{}] {}", progress.done, progress.total, progress.last.id);
            let _ = err.flush();
        }
    }

    pub(super) fn clear(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
