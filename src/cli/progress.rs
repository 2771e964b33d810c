//! A progress bar on stderr (indicatif) that appears only on a terminal,
//! and only once a run has taken more than a second.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use rehash::Progress;

/// Runs shorter than this never show a bar.
const DELAY: Duration = Duration::from_secs(1);

pub struct Bar {
    bar: ProgressBar,
    start: Instant,
    enabled: bool,
    shown: AtomicBool,
    /// With `REHASH_TIMINGS` set, each stage's wall time goes to stderr:
    /// a development aid, never part of the output.
    timings: Option<Mutex<(&'static str, Instant)>>,
}

impl Bar {
    pub fn new(force: bool, never: bool) -> Bar {
        let enabled = !never && (force || std::io::stderr().is_terminal());
        let bar = ProgressBar::with_draw_target(
            Some(0),
            ProgressDrawTarget::hidden(),
        );
        let style = ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta})",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        let timings = std::env::var_os("REHASH_TIMINGS")
            .map(|_| Mutex::new(("", Instant::now())));
        Bar {
            bar,
            start: Instant::now(),
            enabled,
            shown: AtomicBool::new(false),
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

    fn maybe_show(&self) {
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        self.lap(name);
        self.bar.set_message(name);
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.maybe_show();
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled {
            self.maybe_show();
        }
    }

    fn finish(&self) {
        self.lap("writing");
        self.bar.finish_and_clear();
    }
}
