//! German compound words: `Gesellenprüfung` is also indexed as `gesellen` and `prüfung`.
//!
//! A [`Lexicon`] of the words the content itself uses (plus a small list of common
//! words) decides where a compound may be split: every part must be a known word of at
//! least [`MIN_PART`] letters. The modifier may carry a linking element (Fugen-s, -es,
//! -n, -en, -er, -e: `Prüfung|s|termine`) and the head may be inflected (`termine`). The
//! best split is the one whose parts are most frequent (Koehn and Knight's geometric
//! mean), applied recursively for three- and four-part words, and intermediate compounds
//! are kept (`Ausbildungsrahmenplan` -> `ausbildung`, `rahmenplan`, `rahmen`, `plan`).
//!
//! The [`Decompounder`] token filter keeps the original token and adds the parts at the
//! same position, so phrase queries and highlighting still see one word, and the query
//! builder can weigh the original above its parts. tantivy's own `SplitCompoundWords`
//! replaces the word by its parts and splits greedily, which measured worse than not
//! splitting at all.

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use tantivy::tokenizer::{
    LowerCaser, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::content::stored::{self, Damaged, Reader, Stored, Writer};

/// Shortest part a compound may be split into: shorter "words" (`bei`, `ein`, `art`)
/// match inside too many unrelated words.
pub const MIN_PART: usize = 4;
/// Shortest word that is tried as a compound (two parts of [`MIN_PART`] letters).
pub const MIN_COMPOUND: usize = 2 * MIN_PART;
/// How deep compounds are split (four parts at most).
const MAX_DEPTH: usize = 3;
/// Linking elements between modifier and head, longest first.
const LINKS: &[&str] = &["es", "en", "er", "s", "n", "e"];
/// Endings of an inflected head, longest first.
const HEAD_ENDINGS: &[&str] = &["ern", "ens", "en", "er", "es", "e", "n", "s"];
/// Derivational endings whose base is also indexed (`Tischlerei`, `Bäckerin`).
const DERIVATIONS: &[&str] = &["innen", "erei", "in", "ei"];
/// Common words that count as known in every lexicon, so that small content folders
/// split the usual compounds too. Written for werkbank; licensed like the project.
const BASE_WORDS: &str = include_str!("grundwoerter.txt");

/// The first bytes of a lexicon file, with the format's version.
const FILE_MAGIC: &[u8] = b"werkbank-lexicon-2\n";

/// Word counts of some texts, and the first spelling of each folded word.
#[derive(Default)]
struct Counts {
    words: HashMap<String, u32>,
    display: HashMap<String, String>,
}

impl Counts {
    fn of(texts: &[&str]) -> Counts {
        let mut counts = Counts::default();
        let mut tokenizer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build();
        for text in texts {
            let mut stream = tokenizer.token_stream(text);
            while stream.advance() {
                let text = &stream.token().text;
                let word = fold(text);
                if word.chars().count() < 2 || word.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                if let Cow::Owned(folded) = &word
                    && !counts.display.contains_key(folded)
                {
                    counts.display.insert(folded.clone(), text.clone());
                }
                // Most words were seen before: count them without allocating.
                match counts.words.get_mut(word.as_ref()) {
                    Some(count) => *count += 1,
                    None => {
                        counts.words.insert(word.into_owned(), 1);
                    }
                }
            }
        }
        counts
    }
}

/// Known words and how often they occur, keyed by their folded form (see [`fold`]).
#[derive(Debug, Default, PartialEq)]
pub struct Lexicon {
    words: HashMap<String, u32>,
    /// For folded words that the content spells with umlauts or ß: that spelling.
    display: HashMap<String, String>,
    splits: HashMap<String, Box<[String]>>,
}

/// The lexicon's file beside a cached index (see [`Lexicon::to_bytes`]).
impl Stored for Lexicon {
    fn put(&self, w: &mut Writer) {
        let Lexicon {
            words,
            display,
            splits,
        } = self;
        words.put(w);
        display.put(w);
        splits.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Lexicon {
            words: Stored::take(r)?,
            display: Stored::take(r)?,
            splits: Stored::take(r)?,
        })
    }
}

impl Lexicon {
    /// Counts the words of the given texts (and the built-in base words), then
    /// precomputes the split of every known compound.
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> Lexicon {
        // Counting the words of a large folder is a pass over all its text: split it
        // over the cores, then merge the counts in order (so the first spelling seen
        // stays the displayed one, as in a single pass).
        let texts: Vec<&str> = texts.into_iter().collect();
        let threads = crate::available_cores().clamp(1, 8);
        let chunk = texts.len().div_ceil(threads).max(1);
        let counted: Vec<Counts> = std::thread::scope(|scope| {
            let workers: Vec<_> = texts
                .chunks(chunk)
                .map(|texts| scope.spawn(move || Counts::of(texts)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("counting does not panic"))
                .collect()
        });
        let mut counted = counted.into_iter();
        let Counts {
            mut words,
            mut display,
        } = counted.next().unwrap_or_default();
        for more in counted {
            for (word, count) in more.words {
                *words.entry(word).or_insert(0) += count;
            }
            for (folded, spelling) in more.display {
                display.entry(folded).or_insert(spelling);
            }
        }
        for line in BASE_WORDS.lines() {
            let word = line.trim();
            if !word.is_empty() && !word.starts_with('#') {
                *words
                    .entry(fold(&word.to_lowercase()).into_owned())
                    .or_insert(0) += 1;
            }
        }
        let mut lexicon = Lexicon {
            words,
            display,
            splits: HashMap::new(),
        };
        let candidates: Vec<&String> = lexicon
            .words
            .keys()
            .filter(|w| w.len() >= MIN_COMPOUND - 2)
            .collect();
        let threads = crate::available_cores().clamp(1, 8);
        let chunk = candidates.len().div_ceil(threads).max(1);
        let splits: HashMap<String, Box<[String]>> = std::thread::scope(|scope| {
            let workers: Vec<_> = candidates
                .chunks(chunk)
                .map(|words| {
                    let lexicon = &lexicon;
                    scope.spawn(move || {
                        words
                            .iter()
                            .filter_map(|w| {
                                let parts = lexicon.compute_parts(w);
                                (!parts.is_empty())
                                    .then(|| ((*w).clone(), parts.into_boxed_slice()))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("splitting does not panic"))
                .collect()
        });
        lexicon.splits = splits;
        lexicon
    }

    /// The lexicon as bytes for the index cache; [`Lexicon::from_bytes`] reads them.
    /// Counting and splitting the words of a large folder takes longer than the rest
    /// of opening a cached index.
    pub fn to_bytes(&self) -> Vec<u8> {
        stored::encode_one(FILE_MAGIC, self)
    }

    /// Reads what [`Lexicon::to_bytes`] wrote; `None` for anything else (a damaged or
    /// foreign file), never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Option<Lexicon> {
        stored::decode_one(FILE_MAGIC, bytes).ok()
    }

    /// How often a folded word occurs (0 if unknown).
    pub fn frequency(&self, folded: &str) -> u32 {
        self.words.get(folded).copied().unwrap_or(0)
    }

    /// How the content spells a folded word (`pruefung` -> `prüfung`).
    pub fn display<'a>(&'a self, folded: &'a str) -> &'a str {
        self.display.get(folded).map_or(folded, String::as_str)
    }

    /// Number of distinct known words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// All known words with their frequency.
    pub fn words(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words.iter().map(|(w, &f)| (w.as_str(), f))
    }

    /// The parts of a lowercase word (not including the word itself), folded.
    /// Empty if the word is not a compound of known words.
    pub fn parts(&self, lowercase: &str) -> Cow<'_, [String]> {
        if lowercase.len() < MIN_COMPOUND - 2 {
            return Cow::Borrowed(&[]);
        }
        let folded = fold(lowercase);
        match self.splits.get(folded.as_ref()) {
            Some(parts) => Cow::Borrowed(parts),
            None if self.words.contains_key(folded.as_ref()) => Cow::Borrowed(&[]),
            None => Cow::Owned(self.compute_parts(&folded)),
        }
    }

    /// Splits a folded word; see the module documentation.
    fn compute_parts(&self, word: &str) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(base) = self.derivation_base(word) {
            parts.push(base.to_owned());
        }
        self.expand(word, 0, &mut parts);
        let mut unique: Vec<String> = Vec::with_capacity(parts.len());
        for part in parts {
            if part != word && !unique.contains(&part) {
                unique.push(part);
            }
        }
        unique
    }

    /// `tischlerei` -> `tischler`, `baeckerin` -> `baecker`.
    fn derivation_base<'w>(&self, word: &'w str) -> Option<&'w str> {
        DERIVATIONS.iter().find_map(|ending| {
            let base = word.strip_suffix(ending)?;
            (base.len() > MIN_PART && self.frequency(base) > 0).then_some(base)
        })
    }

    /// Appends the parts of `word` (split at its best point, recursively) to `out`.
    fn expand(&self, word: &str, depth: usize, out: &mut Vec<String>) {
        let mut memo = HashMap::new();
        let mut scratch = String::new();
        let mut from = 0;
        let mut level = depth;
        while let Some((at, _)) = self.best(word, from, level, &mut memo, &mut scratch) {
            let modifier = self
                .modifier(&word[from..at], &mut scratch)
                .map(|(form, _)| form);
            if let Some(modifier) = modifier {
                // A modifier that is itself a compound contributes its parts too.
                if modifier.len() >= MIN_COMPOUND && level + 1 < MAX_DEPTH {
                    let before = out.len();
                    self.expand(&modifier, level + 1, out);
                    out.insert(before, modifier);
                } else {
                    out.push(modifier);
                }
            }
            // The head, and then the head's own parts (`rahmenplan` -> `rahmen`, `plan`).
            out.push(word[at..].to_owned());
            from = at;
            level += 1;
        }
    }

    /// The best split point of the suffix `word[from..]` and its score, memoized per
    /// suffix so that long words cost a few hundred look-ups, not an exponential search.
    fn best(
        &self,
        word: &str,
        from: usize,
        depth: usize,
        memo: &mut HashMap<usize, Option<(usize, f64)>>,
        scratch: &mut String,
    ) -> Option<(usize, f64)> {
        if let Some(known) = memo.get(&from) {
            return *known;
        }
        let rest = &word[from..];
        let mut best: Option<(usize, f64)> = None;
        if depth < MAX_DEPTH && rest.len() >= MIN_COMPOUND {
            for (at, _) in rest.char_indices().skip(MIN_PART) {
                let right = &rest[at..];
                if right.chars().count() < MIN_PART {
                    break;
                }
                let Some((_, modifier_freq)) = self.modifier_freq(&rest[..at], scratch) else {
                    continue;
                };
                let head_score = match self.head_frequency(right) {
                    Some(freq) => f64::from(freq),
                    None => match self.best(word, from + at, depth + 1, memo, scratch) {
                        Some((_, score)) => score,
                        None => continue,
                    },
                };
                let score = (f64::from(modifier_freq) * head_score.max(1.0)).sqrt();
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((from + at, score));
                }
            }
        }
        memo.insert(from, best);
        best
    }

    /// The frequency of the best known form of a modifier (see [`Lexicon::modifier`]),
    /// without allocating for the forms that are substrings.
    fn modifier_freq(&self, left: &str, scratch: &mut String) -> Option<((), u32)> {
        let mut best = 0;
        let mut consider = |form: &str| {
            if form.chars().count() >= MIN_PART {
                best = best.max(self.frequency(form));
            }
        };
        consider(left);
        for link in LINKS {
            if let Some(stem) = left.strip_suffix(link) {
                consider(stem);
            }
        }
        for form in [left, left.strip_suffix('s').unwrap_or("")] {
            if !form.is_empty() {
                scratch.clear();
                scratch.push_str(form);
                scratch.push('e');
                consider(scratch);
            }
        }
        (best > 0).then_some(((), best))
    }

    /// A modifier, possibly with a linking element: `pruefungs` -> `pruefung`,
    /// `schul` -> `schule`, `hilfs` -> `hilfe`. Returns the known form and its frequency.
    fn modifier(&self, left: &str, scratch: &mut String) -> Option<(String, u32)> {
        let (_, freq) = self.modifier_freq(left, scratch)?;
        let mut forms: Vec<String> = vec![left.to_owned()];
        forms.extend(
            LINKS
                .iter()
                .filter_map(|l| left.strip_suffix(l))
                .map(str::to_owned),
        );
        forms.push(format!("{left}e"));
        if let Some(stem) = left.strip_suffix('s') {
            forms.push(format!("{stem}e"));
        }
        forms
            .into_iter()
            .find(|f| f.chars().count() >= MIN_PART && self.frequency(f) == freq)
            .map(|f| (f, freq))
    }

    /// The frequency of a head, possibly inflected (`termine` counts as `termin`).
    fn head_frequency(&self, right: &str) -> Option<u32> {
        let direct = self.frequency(right);
        let inflected = HEAD_ENDINGS
            .iter()
            .filter_map(|ending| right.strip_suffix(ending))
            .filter(|stem| stem.chars().count() >= MIN_PART)
            .map(|stem| self.frequency(stem))
            .max()
            .unwrap_or(0);
        let freq = direct.max(inflected);
        (freq > 0).then_some(freq)
    }
}

/// Folds a lowercase word for lexicon look-ups: `ä` -> `ae`, `ö` -> `oe`, `ü` -> `ue`,
/// `ß` -> `ss`, so `Prüfung` and `Pruefung` meet.
pub fn fold(lowercase: &str) -> Cow<'_, str> {
    if lowercase.is_ascii() {
        return Cow::Borrowed(lowercase);
    }
    let mut out = String::with_capacity(lowercase.len() + 4);
    for c in lowercase.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The token filter: the original token, then its parts at the same position.
#[derive(Clone)]
pub struct Decompounder {
    lexicon: Arc<Lexicon>,
}

impl Decompounder {
    /// A filter using this lexicon.
    pub fn new(lexicon: Arc<Lexicon>) -> Decompounder {
        Decompounder { lexicon }
    }
}

impl TokenFilter for Decompounder {
    type Tokenizer<T: Tokenizer> = DecompounderFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DecompounderFilter<T> {
        DecompounderFilter {
            lexicon: self.lexicon,
            inner: tokenizer,
        }
    }
}

/// [`Decompounder`] applied to a tokenizer.
#[derive(Clone)]
pub struct DecompounderFilter<T> {
    lexicon: Arc<Lexicon>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DecompounderFilter<T> {
    type TokenStream<'a> = DecompounderStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DecompounderStream {
            tail: self.inner.token_stream(text),
            lexicon: &self.lexicon,
            pending: Vec::new(),
            part: None,
        }
    }
}

/// The token stream of [`DecompounderFilter`].
pub struct DecompounderStream<'a, T> {
    tail: T,
    lexicon: &'a Lexicon,
    /// Parts still to emit, last first.
    pending: Vec<String>,
    /// The part being emitted (a copy of the original token with the part's text).
    part: Option<Token>,
}

impl<T: TokenStream> TokenStream for DecompounderStream<'_, T> {
    fn advance(&mut self) -> bool {
        if let Some(text) = self.pending.pop() {
            let mut token = self.tail.token().clone();
            token.text = text;
            self.part = Some(token);
            return true;
        }
        self.part = None;
        if !self.tail.advance() {
            return false;
        }
        let parts = self.lexicon.parts(&self.tail.token().text);
        self.pending.extend(parts.iter().rev().cloned());
        true
    }

    fn token(&self) -> &Token {
        self.part.as_ref().unwrap_or_else(|| self.tail.token())
    }

    fn token_mut(&mut self) -> &mut Token {
        match &mut self.part {
            Some(part) => part,
            None => self.tail.token_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::build([
            "Die Prüfung und der Termin. Gesellen lernen. Unterweisung der Lehrlinge, ein Lehrling.",
            "Ausbildung, Rahmen, Plan, der Rahmenplan. Der Tischler. Die Schule, das Buch. Die Hilfe.",
            "Bäcker backen. Maschinen und die Maschine. Beispiel. Ein Spiel.",
        ])
    }

    #[test]
    fn the_lexicon_file_reads_back_equal_and_damaged_files_are_refused() {
        let lex = lexicon();
        assert!(!lex.splits.is_empty() && !lex.display.is_empty());
        let bytes = lex.to_bytes();
        let read = Lexicon::from_bytes(&bytes).expect("reads back");
        assert_eq!(read, lex);
        assert_eq!(read.parts("gesellenprüfung"), lex.parts("gesellenprüfung"));
        for cut in [0, 5, FILE_MAGIC.len() + 2, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(Lexicon::from_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Lexicon::from_bytes(&longer), None, "trailing bytes");
        let mut huge = bytes.clone();
        huge[FILE_MAGIC.len()..FILE_MAGIC.len() + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(Lexicon::from_bytes(&huge), None, "a count beyond the file");
        assert_eq!(Lexicon::from_bytes(b"werkbank-lexicon-0\n"), None);
    }

    /// Each case: a word and the parts it must yield (in any order), or none.
    #[test]
    fn splits_compounds_into_known_parts() {
        let lex = lexicon();
        let cases: &[(&str, &[&str])] = &[
            ("gesellenprüfung", &["gesellen", "pruefung"]),
            ("prüfungstermine", &["pruefung", "termine"]),
            ("lehrlingsunterweisung", &["lehrling", "unterweisung"]),
            (
                "ausbildungsrahmenplan",
                &["ausbildung", "rahmenplan", "rahmen", "plan"],
            ),
            ("schulbuch", &["schule", "buch"]),
            ("hilfsmaschinen", &["hilfe", "maschinen"]),
            ("tischlerei", &["tischler"]),
            ("bäckerin", &["baecker"]),
            ("prüfung", &[]),
            ("beispiel", &[]),
            ("xyzabcdefgh", &[]),
        ];
        for (word, want) in cases {
            let got = lex.parts(word);
            for part in *want {
                assert!(
                    got.iter().any(|g| g == part),
                    "{word}: {got:?} lacks {part}"
                );
            }
            if want.is_empty() {
                assert!(got.is_empty(), "{word} should not split: {got:?}");
            }
        }
    }

    #[test]
    fn filter_keeps_the_original_and_adds_parts_at_its_position() {
        let lex = Arc::new(lexicon());
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Decompounder::new(lex))
            .build();
        let mut stream = analyzer.token_stream("Die Prüfungstermine stehen");
        let mut tokens = Vec::new();
        while stream.advance() {
            let t = stream.token();
            tokens.push((t.position, t.text.clone()));
        }
        assert_eq!(
            tokens,
            [
                (0, "die".to_owned()),
                (1, "prüfungstermine".to_owned()),
                (1, "pruefung".to_owned()),
                (1, "termine".to_owned()),
                (2, "stehen".to_owned()),
            ]
        );
    }
}
