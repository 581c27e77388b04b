//! The German analyzer with a memory: each distinct word is stemmed and split once
//! per thread, later occurrences are looked up.
//!
//! Indexing analyses every text of the content. (It was written when snippets analysed
//! each shown hit's text too, 80 % of a search in a profile; snippets now read the
//! index's positions instead, see [`snippet`](super::snippet).) Natural text repeats
//! its words, and each
//! word's analysis depends only on the word: the first steps of the chain (split into
//! words, drop overlong ones, lowercase) are cheap and run on every word; the expensive
//! rest (compound parts, stemming, folding) runs once per distinct lowercase word and
//! thread and is then remembered. The output is the same tokens, with the same
//! positions and offsets, as the full analyzer's.
//!
//! Queries go through it as well: people search for the same words again and again.
//!
//! The memory is per thread (no locking between the server's workers) and belongs to
//! one analyzer (an index built for new content starts a new one). It is emptied when
//! it holds its limit of words ([`MAX_WORDS`] when indexing, [`MAX_QUERY_WORDS`] for
//! queries), so it cannot grow without bound.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::tokenizer::{
    BoxTokenStream, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

use super::analysis::MAX_TOKEN_BYTES;

/// Most words remembered per thread (about 100 bytes each) for indexing.
pub const MAX_WORDS: usize = 200_000;
/// Most words remembered per thread for queries: a server worker sees only the words
/// people search for, and these need not fill memory.
pub const MAX_QUERY_WORDS: usize = 20_000;

/// Distinguishes analyzers, so a thread never uses words remembered for another one.
static GENERATION: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

#[derive(Default)]
struct Memory {
    generation: u64,
    words: foldhash::HashMap<String, Rc<[String]>>,
}

/// A tokenizer that gives the tokens of `full` (the German analyzer, which must start
/// with the simple tokenizer, the long-token limit and lowercasing), remembering the
/// analysis of each word.
#[derive(Clone)]
pub struct Memoized {
    words: TextAnalyzer,
    full: TextAnalyzer,
    generation: u64,
    /// Most words remembered per thread.
    limit: usize,
}

impl Memoized {
    /// Wraps the full analyzer, remembering up to [`MAX_WORDS`] words per thread.
    pub fn new(full: TextAnalyzer) -> Memoized {
        Memoized::with_limit(full, MAX_WORDS)
    }

    /// Wraps the full analyzer, remembering up to `limit` words per thread.
    pub fn with_limit(full: TextAnalyzer, limit: usize) -> Memoized {
        Memoized {
            limit,
            words: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .build(),
            full,
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Tokenizer for Memoized {
    type TokenStream<'a> = MemoizedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoizedStream<'a> {
        MemoizedStream {
            words: self.words.token_stream(text),
            full: &mut self.full,
            generation: self.generation,
            limit: self.limit,
            terms: Rc::from(Vec::new()),
            next: 0,
            token: Token::default(),
        }
    }
}

/// The token stream of [`Memoized`].
pub struct MemoizedStream<'a> {
    words: BoxTokenStream<'a>,
    full: &'a mut TextAnalyzer,
    generation: u64,
    limit: usize,
    /// The analysed terms of the current word, and the next one to give out.
    terms: Rc<[String]>,
    next: usize,
    token: Token,
}

/// The analysed terms of one lowercase word, from this thread's memory of the
/// analyzer of `generation` or computed by `full` now (and remembered, up to `limit`
/// words).
fn analyse(full: &mut TextAnalyzer, generation: u64, limit: usize, word: &str) -> Rc<[String]> {
    let remembered = MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.generation != generation {
            memory.words.clear();
            memory.generation = generation;
        }
        memory.words.get(word).cloned()
    });
    if let Some(terms) = remembered {
        return terms;
    }
    let mut stream = full.token_stream(word);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    drop(stream);
    let terms: Rc<[String]> = Rc::from(terms);
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.words.len() >= limit {
            memory.words.clear();
        }
        memory.words.insert(word.to_owned(), Rc::clone(&terms));
    });
    terms
}

impl TokenStream for MemoizedStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(term) = self.terms.get(self.next) {
                self.token.text.clear();
                self.token.text.push_str(term);
                self.next += 1;
                return true;
            }
            if !self.words.advance() {
                return false;
            }
            let word = self.words.token();
            self.token.offset_from = word.offset_from;
            self.token.offset_to = word.offset_to;
            self.token.position = word.position;
            self.token.position_length = word.position_length;
            // Borrowed, not taken: the word tokenizer writes the next word into the
            // same string, and a string taken from it made it allocate one per word
            // (half of all allocations of a cold start).
            self.terms = analyse(self.full, self.generation, self.limit, &word.text);
            self.next = 0;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::search::analysis;
    use crate::search::compound::Lexicon;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn gives_the_same_tokens_as_the_full_analyzer() {
        let text = "Die Gesellenprüfung der Tischler: Prüfungen, PRÜFUNG und pruefung. \
                    Rahmenplan, Ausbildungsrahmenplan; Bäcker, Bäckerin, Straße. \
                    Die Prüfung wiederholt sich, die Prüfung! \
                    Ausbildungsrahmenplanverordnungsentwurfsbegründungsanlagenverzeichnisseitenzahlangabenformatvorlagenbeispiel x";
        let lexicon = Arc::new(Lexicon::build([text, "Ausbildung Rahmen Plan Prüfung"]));
        let mut full = analysis::german_with_compounds(lexicon);
        let mut memoized = TextAnalyzer::from(Memoized::new(full.clone()));
        let expected = tokens(&mut full, text);
        assert!(expected.len() > 20);
        // Twice: the second run answers from memory.
        assert_eq!(tokens(&mut memoized, text), expected);
        assert_eq!(tokens(&mut memoized, text), expected);
    }

    #[test]
    fn another_analyzer_does_not_see_these_words() {
        let one = Arc::new(Lexicon::build(["Rahmen Plan"]));
        let other = Arc::new(Lexicon::build(["Rahmenplan"]));
        let mut a = TextAnalyzer::from(Memoized::new(analysis::german_with_compounds(one.clone())));
        let mut b = TextAnalyzer::from(Memoized::new(analysis::german_with_compounds(
            other.clone(),
        )));
        let text = "Rahmenplan";
        assert_eq!(
            tokens(&mut a, text),
            tokens(&mut analysis::german_with_compounds(one), text)
        );
        assert_eq!(
            tokens(&mut b, text),
            tokens(&mut analysis::german_with_compounds(other), text)
        );
    }
}
