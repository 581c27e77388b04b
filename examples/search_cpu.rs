//! CPU time of the search engine alone, per query, without HTTP: the yardstick for
//! changes to the search path, steadier than requests per second under wrk on a
//! shared machine. Not part of the tests.
//!
//! Usage: `cargo run --release --example search_cpu -- FOLDER QUERIES [PASSES]`
//!
//! `FOLDER` is a content folder (with `WERKBANK_INDEX_CACHE` set, its index is kept
//! there between runs), `QUERIES` a file with one query per line, or the request paths
//! of `bench/perf.sh` (`/api/v1/search?q=…`). Each pass runs every query once, on one
//! thread, as the JSON API does (10 hits with snippets and facets); the CPU time of the
//! thread is read from `/proc/thread-self/schedstat`. Prints the least, the median and
//! the quartiles of the passes' time per query; on a busy machine the least is the
//! steadiest figure. With `SEARCH_CPU_EACH=1` it also prints the slowest queries and
//! the share of the time that the slowest tenth of them takes.

use std::path::PathBuf;

use anyhow::{Context, bail};
use werkbank::calendar::Clock;
use werkbank::content::ContentSource;
use werkbank::search::SearchRequest;
use werkbank::state::{BuildOptions, State};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (folder, queries) = match args.as_slice() {
        [folder, queries, ..] => (PathBuf::from(folder), queries),
        _ => bail!("usage: search_cpu FOLDER QUERIES [PASSES]"),
    };
    let passes: usize = args.get(2).map_or(Ok(7), |p| p.parse())?;
    let text = std::fs::read_to_string(queries).with_context(|| queries.clone())?;
    let queries: Vec<String> = text.lines().filter_map(query_of).collect();
    if queries.is_empty() {
        bail!("no queries in {}", args[1]);
    }

    let state = State::build(&BuildOptions {
        source: ContentSource::Folder(folder),
        notice: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        clock: Clock::System,
        base_url: None,
        index_cache: std::env::var_os("WERKBANK_INDEX_CACHE").map(PathBuf::from),
        reload: false,
    })?;
    // What the server does beside its first requests: the merge of the segments.
    state.index.warm(&state.library);
    let request = |q: &str| SearchRequest {
        q: q.to_owned(),
        trade: None,
        kind: None,
        year: None,
        page: 1,
        per_page: 10,
    };
    // One pass to warm the caches, then the measured ones.
    let mut hits = 0;
    for q in &queries {
        hits += state.index.search(&state.library, &request(q))?.hits.len();
    }
    let mut micros = Vec::with_capacity(passes);
    for _ in 0..passes {
        let before = thread_cpu_nanos()?;
        for q in &queries {
            let results = state.index.search(&state.library, &request(q))?;
            std::hint::black_box(results);
        }
        let spent = thread_cpu_nanos()? - before;
        micros.push(spent as f64 / 1000.0 / queries.len() as f64);
    }
    if std::env::var_os("SEARCH_CPU_EACH").is_some() {
        print_slowest(&state, &queries, &request)?;
    }
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
    println!(
        "queries={} hits={hits} passes={passes} us_per_query min={:.1} median={:.1} q1={:.1} q3={:.1}",
        queries.len(),
        micros[0],
        at(0.5),
        at(0.25),
        at(0.75)
    );
    Ok(())
}

/// With `SEARCH_CPU_EACH` set: each query's wall time in one more pass (the CPU time
/// of a thread is counted in ticks, too coarse for one query), the slowest
/// twenty, and the share of the whole that the slowest tenth takes.
fn print_slowest(
    state: &State,
    queries: &[String],
    request: &dyn Fn(&str) -> SearchRequest,
) -> anyhow::Result<()> {
    let mut each = Vec::with_capacity(queries.len());
    for q in queries {
        let before = std::time::Instant::now();
        std::hint::black_box(state.index.search(&state.library, &request(q))?);
        each.push((before.elapsed().as_nanos() as u64, q));
    }
    each.sort_by_key(|(nanos, _)| std::cmp::Reverse(*nanos));
    let total: u64 = each.iter().map(|(n, _)| n).sum();
    let tenth: u64 = each[..each.len().div_ceil(10)].iter().map(|(n, _)| n).sum();
    println!(
        "slowest tenth: {:.0} % of the time",
        100.0 * tenth as f64 / total as f64
    );
    for (nanos, q) in each.iter().take(20) {
        println!("{:>8.1} us  {q}", *nanos as f64 / 1000.0);
    }
    Ok(())
}

/// The query of a line: the line itself, or the decoded `q` of a request path.
fn query_of(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let Some((_, query)) = line.split_once('?') else {
        return Some(line.to_owned());
    };
    let q = query.split('&').find_map(|pair| pair.strip_prefix("q="))?;
    let q = q.replace('+', " ");
    Some(
        percent_encoding::percent_decode_str(&q)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_nanos() -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let first = stat
        .split_whitespace()
        .next()
        .context("schedstat is empty")?;
    Ok(first.parse()?)
}
