//! A progress bar on stderr for `classify --jsonl FILE` (only used when stderr is a terminal).
//! It appears only after a moment, so small files never flash a bar.

use std::io::Write;
use std::time::{Duration, Instant};

const FIRST_DRAW: Duration = Duration::from_millis(500);
const REDRAW: Duration = Duration::from_millis(200);
const WIDTH: u64 = 30;

pub struct Progress {
    total: u64,
    start: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    pub fn new(total: u64) -> Self {
        Progress { total, start: Instant::now(), last_draw: None }
    }

    /// `done` bytes of `total` read, `lines` lines answered.
    pub fn update(&mut self, done: u64, lines: u64) {
        let now = Instant::now();
        let due = match self.last_draw {
            None => now.duration_since(self.start) >= FIRST_DRAW,
            Some(t) => now.duration_since(t) >= REDRAW,
        };
        if !due {
            return;
        }
        self.last_draw = Some(now);
        let done = done.min(self.total);
        let filled = done.saturating_mul(WIDTH) / self.total.max(1);
        let percent = done.saturating_mul(100) / self.total.max(1);
        let bar: String = (0..WIDTH).map(|i| if i < filled { '#' } else { '-' }).collect();
        // Best effort: a failing stderr must not stop the batch.
        let _ = write!(std::io::stderr(), "\r[{bar}] {percent:>3}%  {lines} lines");
    }

    /// Erase the bar (if it was ever drawn) so the summary starts on a clean line.
    pub fn finish(&mut self) {
        if self.last_draw.is_some() {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
