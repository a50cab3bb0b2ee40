//! Progress on stderr: a bar while reading (bytes, documents, rate, ETA), hidden
//! when stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress display that may be hidden; all methods are no-ops then.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `total_bytes` of input (0 when unknown), shown only if `visible`
    /// and stderr is a terminal.
    pub fn new(visible: bool, total_bytes: u64, message: &str) -> Self {
        let shown = visible && std::io::stderr().is_terminal();
        let bar = if shown {
            let bar = ProgressBar::with_draw_target(
                Some(total_bytes).filter(|&t| t > 0),
                ProgressDrawTarget::stderr_with_hz(4),
            );
            let template = if total_bytes > 0 {
                "{prefix:>8} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta}) {msg}"
            } else {
                "{prefix:>8} [{elapsed_precise}] {bytes} ({bytes_per_sec}) {msg}"
            };
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_prefix(message.to_string());
        Progress { bar }
    }

    /// Moves the bar to `bytes` and shows the document count.
    pub fn update(&self, bytes: u64, documents: u64) {
        if !self.bar.is_hidden() {
            self.bar.set_position(bytes);
            self.bar.set_message(format!("{documents} docs"));
        }
    }

    /// Starts a new phase with a spinner-like message.
    pub fn phase(&self, message: &str) {
        if !self.bar.is_hidden() {
            self.bar.set_prefix(message.to_string());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
