//! Progress on stderr: on a terminal, a bar (indicatif) that appears once
//! a run has taken more than a second; asked for with `--progress`, at
//! once, and where stderr is not a terminal (a log), as a line of text
//! for each stage and then at most one a second.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use rehash::Progress;
use rehash::report::text::thousands;

/// Runs shorter than this never show a bar.
const DELAY: Duration = Duration::from_secs(1);

/// How often a stage that counts its steps writes a line, as text.
const LINE_EVERY: Duration = Duration::from_secs(1);

pub struct Bar {
    /// The current stage and its count; drawn on a terminal, hidden
    /// otherwise.
    bar: ProgressBar,
    counted: ProgressStyle,
    uncounted: ProgressStyle,
    start: Instant,
    enabled: bool,
    /// Asked for: shown at once.
    forced: bool,
    shown: AtomicBool,
    /// Shown as lines of text, stderr not being a terminal.
    lines: bool,
    /// When the next line of a counted stage is due, in milliseconds
    /// since `start`.
    next_line: AtomicU64,
    /// With `REHASH_TIMINGS` set, each stage's wall time goes to stderr:
    /// a development aid, never part of the output.
    timings: Option<Mutex<(&'static str, Instant)>>,
}

impl Bar {
    pub fn new(force: bool, never: bool) -> Bar {
        let terminal = std::io::stderr().is_terminal();
        let enabled = !never && (force || terminal);
        let bar = ProgressBar::with_draw_target(
            Some(0),
            ProgressDrawTarget::hidden(),
        );
        let counted = ProgressStyle::with_template(
            "{msg:>15} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta})",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        // Stages without a count of steps show their time so far.
        let uncounted = ProgressStyle::with_template("{msg:>15} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let timings = std::env::var_os("REHASH_TIMINGS")
            .map(|_| Mutex::new(("", Instant::now())));
        Bar {
            bar,
            counted,
            uncounted,
            start: Instant::now(),
            enabled,
            forced: force && !never,
            shown: AtomicBool::new(false),
            lines: enabled && !terminal,
            next_line: AtomicU64::new(0),
            timings,
        }
    }

    fn lap(&self, next: &'static str) {
        if let Some(t) = &self.timings {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            if !t.0.is_empty() {
                eprintln!(
                    "rehash: timing: {:<16} {:>8.3} s",
                    t.0,
                    t.1.elapsed().as_secs_f64()
                );
            }
            *t = (next, Instant::now());
        }
    }

    /// Whether progress shows yet: at once when asked for, else after
    /// [`DELAY`].
    fn showing(&self) -> bool {
        if !self.enabled {
            return false;
        }
        if self.shown.load(Ordering::Relaxed) {
            return true;
        }
        if !(self.forced || self.start.elapsed() > DELAY) {
            return false;
        }
        if !self.shown.swap(true, Ordering::Relaxed) && !self.lines {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        true
    }

    fn millis(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// A line of the current stage: its name, its count if it has one,
    /// and the time since the run began.
    fn line(&self) {
        let (name, len) = (self.bar.message(), self.bar.length().unwrap_or(0));
        let secs = self.start.elapsed().as_secs_f64();
        if len == 0 {
            eprintln!("rehash: {name} ({secs:.1} s)");
        } else {
            let done = thousands(self.bar.position());
            eprintln!(
                "rehash: {name} {done}/{} ({secs:.1} s)",
                thousands(len)
            );
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        self.lap(name);
        let style = if total == 0 { &self.uncounted } else { &self.counted };
        self.bar.set_style(style.clone());
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(name);
        if self.showing() && self.lines {
            self.next_line.store(
                self.millis() + LINE_EVERY.as_millis() as u64,
                Ordering::Relaxed,
            );
            self.line();
        }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        if !self.showing() || !self.lines {
            return;
        }
        // One thread of those that find a line due writes it.
        let due = self.next_line.load(Ordering::Relaxed);
        let now = self.millis();
        let next = now + LINE_EVERY.as_millis() as u64;
        if now >= due
            && self
                .next_line
                .compare_exchange(
                    due,
                    next,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            self.line();
        }
    }

    fn finish(&self) {
        self.lap("writing");
        self.bar.finish_and_clear();
    }
}
