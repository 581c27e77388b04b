//! Counters for `/metrics`, written in the Prometheus text format (version 0.0.4).
//!
//! A small registry of our own: a few atomics and one map keyed by route and status.
//! Routes are the route table's patterns (documents, sections and attachments all count
//! as `fallback`), so the number of series stays small whatever clients ask for.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds: pre-rendered pages
/// answer in well under a millisecond, searches in a few milliseconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The Content-Type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// All counters of one process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Answered requests by route and status. A route seen before is counted without
    /// allocating its name again (this runs for every request).
    requests: Mutex<BTreeMap<String, BTreeMap<u16, u64>>>,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    searches: AtomicU64,
    cached_searches: AtomicU64,
    zero_hit_searches: AtomicU64,
    reloads: AtomicU64,
    reload_failures: AtomicU64,
}

/// Values that belong to the current content version, not to the counters.
#[derive(Debug, Clone)]
pub struct ContentGauges {
    /// Short fingerprint.
    pub version: String,
    /// Documents served.
    pub documents: usize,
    /// Files left out or kept at their previous version.
    pub broken_files: usize,
    /// Segments of the search index (more than one until the merge after a start).
    pub search_segments: usize,
    /// Seconds since the start.
    pub uptime_seconds: f64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe_request(&self, route: &str, status: u16, elapsed: Duration) {
        {
            let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            let by_status = match requests.get_mut(route) {
                Some(by_status) => by_status,
                None => requests.entry(route.to_owned()).or_default(),
            };
            *by_status.entry(status).or_insert(0) += 1;
        }
        let seconds = elapsed.as_secs_f64();
        // Buckets are stored non-cumulatively and summed when written out.
        if let Some(i) = LATENCY_BUCKETS.iter().position(|&le| seconds <= le) {
            self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts one search, whether it found nothing and whether the cache of the
    /// latest answers gave it.
    pub fn observe_search(&self, total_hits: usize, cached: bool) {
        self.searches.fetch_add(1, Ordering::Relaxed);
        if cached {
            self.cached_searches.fetch_add(1, Ordering::Relaxed);
        }
        if total_hits == 0 {
            self.zero_hit_searches.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one content reload; `ok` is false if the old state was kept.
    pub fn observe_reload(&self, ok: bool) {
        self.reloads.fetch_add(1, Ordering::Relaxed);
        if !ok {
            self.reload_failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many reloads ran and how many of them failed.
    pub fn reloads(&self) -> (u64, u64) {
        (
            self.reloads.load(Ordering::Relaxed),
            self.reload_failures.load(Ordering::Relaxed),
        )
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self, gauges: &ContentGauges) -> String {
        let mut out = String::with_capacity(4096);
        header(
            &mut out,
            "werkbank_http_requests_total",
            "counter",
            "Beantwortete HTTP-Anfragen nach Route und Status.",
        );
        {
            let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            for (route, by_status) in requests.iter() {
                for (status, count) in by_status {
                    let _ = writeln!(
                        out,
                        "werkbank_http_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                        escape(route)
                    );
                }
            }
        }
        header(
            &mut out,
            "werkbank_http_request_duration_seconds",
            "histogram",
            "Antwortzeit der HTTP-Anfragen in Sekunden.",
        );
        let mut cumulative = 0;
        for (le, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "werkbank_http_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "werkbank_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "werkbank_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "werkbank_http_request_duration_seconds_count {count}");

        let counters = [
            (
                "werkbank_searches_total",
                "Ausgeführte Suchen (Seite und API).",
                &self.searches,
            ),
            (
                "werkbank_cached_searches_total",
                "Suchen, die der Zwischenspeicher der letzten Antworten beantwortete.",
                &self.cached_searches,
            ),
            (
                "werkbank_zero_hit_searches_total",
                "Suchen ohne Treffer.",
                &self.zero_hit_searches,
            ),
            (
                "werkbank_content_reloads_total",
                "Neu geladene Inhaltsstände.",
                &self.reloads,
            ),
            (
                "werkbank_content_reload_failures_total",
                "Fehlgeschlagene Neuladungen (der alte Stand blieb aktiv).",
                &self.reload_failures,
            ),
        ];
        for (name, help, value) in counters {
            header(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        header(
            &mut out,
            "werkbank_documents",
            "gauge",
            "Dokumente im aktiven Inhaltsstand.",
        );
        let _ = writeln!(out, "werkbank_documents {}", gauges.documents);
        header(
            &mut out,
            "werkbank_content_broken_files",
            "gauge",
            "Fehlerhafte Dateien im Inhaltsordner (ausgelassen oder in alter Fassung).",
        );
        let _ = writeln!(out, "werkbank_content_broken_files {}", gauges.broken_files);
        header(
            &mut out,
            "werkbank_content_info",
            "gauge",
            "Inhaltsversion (Kurzform des Fingerabdrucks) als Label.",
        );
        let _ = writeln!(
            out,
            "werkbank_content_info{{version=\"{}\"}} 1",
            escape(&gauges.version)
        );
        header(
            &mut out,
            "werkbank_search_segments",
            "gauge",
            "Segmente des Suchindex (nach einem Start mehrere, bis sie zusammengeführt sind).",
        );
        let _ = writeln!(out, "werkbank_search_segments {}", gauges.search_segments);
        header(
            &mut out,
            "werkbank_uptime_seconds",
            "gauge",
            "Sekunden seit dem Start.",
        );
        let _ = writeln!(out, "werkbank_uptime_seconds {:.3}", gauges.uptime_seconds);
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Escapes a label value: backslash, double quote and line feed.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.observe_request("/", 200, Duration::from_micros(300));
        m.observe_request("/", 200, Duration::from_millis(3));
        m.observe_request("/suche", 400, Duration::from_secs(10));
        let text = m.render(&ContentGauges {
            version: "a\"b".into(),
            documents: 1,
            broken_files: 0,
            search_segments: 1,
            uptime_seconds: 1.0,
        });
        assert!(text.contains("_bucket{le=\"0.0005\"} 1\n"), "{text}");
        assert!(text.contains("\nwerkbank_search_segments 1\n"), "{text}");
        assert!(text.contains("_bucket{le=\"0.005\"} 2\n"), "{text}");
        assert!(text.contains("_bucket{le=\"2.5\"} 2\n"), "{text}");
        assert!(text.contains("_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(
            text.contains("route=\"/suche\",status=\"400\"} 1"),
            "{text}"
        );
        assert!(text.contains("version=\"a\\\"b\""), "{text}");
    }
}
