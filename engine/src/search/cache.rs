//! The answers to the latest distinct searches, kept for the same search again.
//!
//! On an exam day many apprentices search the same few things ("Prüfungstermine",
//! their trade's exam): the second and every later of these is answered from here
//! instead of by the engine. The cache belongs to one [`SearchIndex`](super::SearchIndex),
//! so a content reload, which builds a new index, starts an empty one, and an answer
//! never outlives the content it was found in.
//!
//! It is small on purpose: two generations of [`GENERATION`] entries each. New answers
//! go into the current generation; when it is full it becomes the previous one and the
//! old previous one is dropped. An answer found in the previous generation moves back
//! into the current one. So the searches asked again and again stay, at most
//! `2 × GENERATION` answers are kept (a few megabytes), and each look-up is one or two
//! hash look-ups under a lock held for no longer than that. A stream of ever new
//! queries (like `bench/perf.sh`'s 1,546 rotated ones) finds nothing here and pays
//! only the look-up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{SearchRequest, SearchResults};

/// Answers per generation.
pub const GENERATION: usize = 128;

/// The latest answers by their request; see the module documentation.
#[derive(Debug, Default)]
pub struct ResultCache {
    generations: Mutex<Generations>,
    hits: AtomicU64,
}

#[derive(Debug, Default)]
struct Generations {
    current: HashMap<SearchRequest, Arc<SearchResults>>,
    previous: HashMap<SearchRequest, Arc<SearchResults>>,
}

impl ResultCache {
    /// The kept answer to `request`, if there is one.
    pub fn get(&self, request: &SearchRequest) -> Option<Arc<SearchResults>> {
        let mut generations = self.lock();
        let found = match generations.current.get(request) {
            Some(results) => Some(Arc::clone(results)),
            None => {
                let results = generations.previous.remove(request)?;
                generations.insert(request.clone(), Arc::clone(&results));
                Some(results)
            }
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps `results` as the answer to `request`.
    pub fn put(&self, request: SearchRequest, results: Arc<SearchResults>) {
        self.lock().insert(request, results);
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        let generations = self.lock();
        generations.current.len() + generations.previous.len()
    }

    /// Whether no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many look-ups found an answer since this cache was made.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // The maps stay consistent at every step, so a panic elsewhere while the
        // lock was held leaves nothing half done.
        self.generations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Generations {
    fn insert(&mut self, request: SearchRequest, results: Arc<SearchResults>) {
        if self.current.len() >= GENERATION && !self.current.contains_key(&request) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(request, results);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.to_owned(),
            page: 1,
            per_page: 10,
            ..SearchRequest::default()
        }
    }

    fn results(total: usize) -> Arc<SearchResults> {
        Arc::new(SearchResults {
            total,
            ..SearchResults::default()
        })
    }

    #[test]
    fn an_answer_is_found_for_the_same_request_only() {
        let cache = ResultCache::default();
        assert!(cache.get(&request("Holz")).is_none());
        cache.put(request("Holz"), results(3));
        assert_eq!(cache.get(&request("Holz")).map(|r| r.total), Some(3));
        assert!(cache.get(&request("holz")).is_none(), "the text as typed");
        let second_page = SearchRequest {
            page: 2,
            ..request("Holz")
        };
        assert!(cache.get(&second_page).is_none());
        let filtered = SearchRequest {
            trade: Some("tischler".into()),
            ..request("Holz")
        };
        assert!(cache.get(&filtered).is_none());
        assert_eq!(cache.hits(), 1);
    }

    #[test]
    fn at_most_two_generations_are_kept_and_an_answer_in_use_stays() {
        let cache = ResultCache::default();
        cache.put(request("Prüfungstermine"), results(7));
        for i in 0..10 * GENERATION {
            cache.put(request(&format!("Frage {i}")), results(i));
            assert!(cache.len() <= 2 * GENERATION);
            // Asked again and again between the others, it is never dropped.
            if i % (GENERATION / 2) == 0 {
                let kept = cache.get(&request("Prüfungstermine"));
                assert_eq!(kept.map(|r| r.total), Some(7), "after {i} others");
            }
        }
        assert!(
            cache.len() > GENERATION,
            "a full generation and the current one"
        );
        assert!(cache.get(&request("Frage 0")).is_none(), "the oldest went");
        let last = request(&format!("Frage {}", 10 * GENERATION - 1));
        assert_eq!(cache.get(&last).map(|r| r.total), Some(10 * GENERATION - 1));
    }
}
