//! Logs IT can read (issue 29, point 5): both faces log the same way, as text or as JSON lines
//! (`KIOSK_LOG_FORMAT=json`, or `kiosk serve --log-format json`), to stderr (journald keeps it
//! under systemd) and to files rotated daily in the data folder's `logs/`, the last
//! [`LOG_FILES_KEPT`] days kept. What is logged names no member and no secret: ids, counts,
//! codes and states ([`tracing`] fields), never a name, an e-mail, a PIN or a token.
//!
//! `kiosk logs --since 1h` reads them back ([`lines_since`]) without hunting for the files.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Daily files kept: two weeks, then the oldest goes as a new day begins (and at each start).
pub const LOG_FILES_KEPT: usize = 14;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One line an event, for a person: `2026-12-03T09:34:27.056235Z  INFO kiosk::sync: ...`.
    #[default]
    Text,
    /// One JSON object a line (`timestamp`, `level`, `target`, `fields`), for a log shipper.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("a log format is text or json, not {other:?}")),
        }
    }
}

impl LogFormat {
    /// `KIOSK_LOG_FORMAT`, text where unset or unknown (the desktop app has no flags).
    pub fn from_env() -> Self {
        std::env::var("KIOSK_LOG_FORMAT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_default()
    }
}

/// Where a data folder's logs go.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Keeps the file writer's last lines until dropped: hold it as long as the process logs.
#[must_use = "the log file's last lines are lost when this is dropped early"]
#[derive(Debug)]
pub struct LogGuard {
    /// Flushes the file writer's queue when dropped.
    _file: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Logs to stderr and, with `file` (a folder and a file name's prefix), to daily files there.
/// `RUST_LOG` overrides `default_filter`. A folder that cannot be written leaves stderr only
/// (and says so there): a kiosk never stops for its logs.
pub fn init(file: Option<(&Path, &str)>, format: LogFormat, default_filter: &str) -> LogGuard {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| default_filter.into())
    };
    let mut layers = Vec::new();
    let mut guard = None;
    let mut unwritable = None;
    if let Some((dir, prefix)) = file {
        let appender = std::fs::create_dir_all(dir)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                tracing_appender::rolling::Builder::new()
                    .rotation(tracing_appender::rolling::Rotation::DAILY)
                    .filename_prefix(prefix)
                    .filename_suffix("log")
                    .max_log_files(LOG_FILES_KEPT)
                    .build(dir)
                    .map_err(|e| e.to_string())
            });
        match appender {
            Ok(appender) => {
                let (writer, g) = tracing_appender::non_blocking(appender);
                guard = Some(g);
                layers.push(layer(format, writer, false, filter()));
            }
            Err(e) => unwritable = Some((dir.to_owned(), e)),
        }
    }
    layers.push(layer(format, std::io::stderr, true, filter()));
    let _ = tracing_subscriber::registry().with(layers).try_init();
    if let Some((dir, e)) = unwritable {
        tracing::warn!(dir = %dir.display(), error = %e, "no log files: the folder cannot be written");
    }
    LogGuard { _file: guard }
}

type Registry = tracing_subscriber::Registry;

/// One destination's layer: its format, its writer, colours only where a person reads it.
fn layer<W>(
    format: LogFormat,
    writer: W,
    ansi: bool,
    filter: tracing_subscriber::EnvFilter,
) -> Box<dyn Layer<Registry> + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(ansi);
    match format {
        LogFormat::Text => fmt.with_filter(filter).boxed(),
        LogFormat::Json => fmt.json().with_filter(filter).boxed(),
    }
}

/// When a log line was written: the first word of a text line, `timestamp` of a JSON one. A
/// line without one continues the line before (a multi-line message).
fn written_at(line: &str) -> Option<DateTime<Utc>> {
    let at = if line.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        value.get("timestamp")?.as_str()?.to_owned()
    } else {
        line.split_whitespace().next()?.to_owned()
    };
    DateTime::parse_from_rfc3339(&at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The day a rotated file holds, from its name (`kiosk-serve.2026-12-03.log`).
fn file_day(name: &str) -> Option<chrono::NaiveDate> {
    let stem = name.strip_suffix(".log")?;
    let (_, day) = stem.rsplit_once('.')?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Every log line written at or after `since` in `dir`'s files (each face's, merged by time),
/// with the lines that continue them. Files of days before `since` are not read.
pub fn lines_since(dir: &Path, since: DateTime<Utc>) -> std::io::Result<Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(file_day)
                .is_some_and(|day| day >= since.date_naive())
        })
        .collect();
    files.sort();
    let mut entries: Vec<(DateTime<Utc>, String)> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let mut keeping: Option<usize> = None;
        for line in text.lines() {
            match written_at(line) {
                Some(at) if at >= since => {
                    entries.push((at, line.to_owned()));
                    keeping = Some(entries.len() - 1);
                }
                Some(_) => keeping = None,
                None => {
                    if let Some(i) = keeping {
                        entries[i].1.push('\n');
                        entries[i].1.push_str(line);
                    }
                }
            }
        }
    }
    // Stable: lines of one moment keep their order within a file.
    entries.sort_by_key(|(at, _)| *at);
    Ok(entries.into_iter().map(|(_, line)| line).collect())
}

/// `--since`: a span back from `now` ("1h", "30m", "2days", "1h 30m") or a moment
/// (`2026-12-03T09:00:00Z`).
pub fn since(arg: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(arg) {
        return Ok(at.with_timezone(&Utc));
    }
    let span = humantime::parse_duration(arg).map_err(|e| {
        format!("--since takes a span back (1h, 30m, 2days) or a time (2026-12-03T09:00:00Z): {e}")
    })?;
    let span = chrono::Duration::from_std(span).map_err(|e| e.to_string())?;
    Ok(now - span)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap()
    }

    #[test]
    fn since_takes_a_span_back_or_a_moment_and_says_what_it_takes() {
        let now = at(12, 0);
        assert_eq!(since("1h", now).unwrap(), at(11, 0));
        assert_eq!(since("90m", now).unwrap(), at(10, 30));
        assert_eq!(since("1h 15m", now).unwrap(), at(10, 45));
        assert_eq!(since("2026-12-03T09:00:00Z", now).unwrap(), at(9, 0));
        let e = since("yesterday", now).unwrap_err();
        assert!(e.contains("1h"), "{e}");
    }

    #[test]
    fn lines_since_merges_both_formats_of_every_file_by_time_and_keeps_continuations() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kiosk-serve.2026-12-03.log"),
            "2026-12-03T09:00:00.000001Z  INFO kiosk: early\n\
             2026-12-03T11:00:00.000001Z  WARN kiosk: a message\n  on two lines\n\
             2026-12-03T11:30:00.000001Z  INFO kiosk: late\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("kiosk.2026-12-03.log"),
            "{\"timestamp\":\"2026-12-03T11:10:00.000001Z\",\"level\":\"INFO\"}\n",
        )
        .unwrap();
        // A day before: not even read (it would fail to read as text if it were).
        std::fs::write(dir.path().join("kiosk.2026-12-02.log"), [0xff, 0xfe]).unwrap();
        std::fs::write(
            dir.path().join("notes.txt"),
            "2026-12-03T11:59:00Z not a log\n",
        )
        .unwrap();

        let lines = lines_since(dir.path(), at(10, 0)).unwrap();
        assert_eq!(
            lines,
            vec![
                "2026-12-03T11:00:00.000001Z  WARN kiosk: a message\n  on two lines".to_owned(),
                "{\"timestamp\":\"2026-12-03T11:10:00.000001Z\",\"level\":\"INFO\"}".to_owned(),
                "2026-12-03T11:30:00.000001Z  INFO kiosk: late".to_owned(),
            ]
        );
    }

    #[test]
    fn a_log_format_is_text_or_json() {
        assert_eq!("JSON".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert!("xml".parse::<LogFormat>().is_err());
    }
}
