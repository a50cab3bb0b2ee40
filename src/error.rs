//! Errors with the context a user needs to fix the input: which file, which line.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the input something happened: a file (or `-` for stdin) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input as the user named it (or as found while walking a directory).
    pub file: PathBuf,
    /// 1-based line number; `0` when the problem concerns the whole file.
    pub line: u64,
}

impl Location {
    /// A location at a given line of `file`.
    pub fn new(file: &Path, line: u64) -> Self {
        Location {
            file: file.to_path_buf(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(f, "{}:{}", self.file.display(), self.line)
        }
    }
}

/// Why an input record could not be used. The names are stable: they appear in
/// `stats.json` and `skipped.jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BadRecordReason {
    /// The line is not valid JSON (or not a JSON object).
    MalformedJson,
    /// The bytes are not valid UTF-8.
    InvalidUtf8,
    /// The text field is absent.
    MissingText,
    /// The text field is present but not a JSON string.
    TextNotString,
    /// The record is longer than `--max-record-bytes`.
    RecordTooLarge,
    /// A compressed stream ended early or is corrupt; the rest of the file is unreadable.
    TruncatedStream,
}

impl BadRecordReason {
    /// Every reason, in the order they are reported.
    pub const ALL: [BadRecordReason; 6] = [
        BadRecordReason::MalformedJson,
        BadRecordReason::InvalidUtf8,
        BadRecordReason::MissingText,
        BadRecordReason::TextNotString,
        BadRecordReason::RecordTooLarge,
        BadRecordReason::TruncatedStream,
    ];

    /// The stable snake_case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            BadRecordReason::MalformedJson => "malformed_json",
            BadRecordReason::InvalidUtf8 => "invalid_utf8",
            BadRecordReason::MissingText => "missing_text",
            BadRecordReason::TextNotString => "text_not_string",
            BadRecordReason::RecordTooLarge => "record_too_large",
            BadRecordReason::TruncatedStream => "truncated_stream",
        }
    }
}

impl fmt::Display for BadRecordReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that can stop a `shingle` run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A record that cannot be used, under the default `--on-bad-record error` policy.
    #[error("{location}: {reason}: {detail}")]
    BadRecord {
        /// Where the record is.
        location: Location,
        /// What is wrong, by category.
        reason: BadRecordReason,
        /// What is wrong, in words.
        detail: String,
    },
    /// An I/O failure, with what was being done and to which path.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What the tool was doing ("reading", "creating", ...).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file the tool wrote for itself is not what it expects (magic, version,
    /// parameters, checksum or length).
    #[error("{}: {detail}", path.display())]
    Format {
        /// The file concerned.
        path: PathBuf,
        /// What does not match.
        detail: String,
    },
    /// Options that do not make sense together, or out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The input changed between the two passes over it (it was modified while shingle ran).
    #[error("{}: input changed while shingle was running ({detail})", path.display())]
    InputChanged {
        /// The file concerned.
        path: PathBuf,
        /// What differs.
        detail: String,
    },
}

impl Error {
    /// Wraps an I/O error with its action and path.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
