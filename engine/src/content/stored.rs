//! The parsed Markdown files of a content folder in a compact binary form, kept in
//! the index cache: a restart with unchanged content reads them back instead of
//! parsing thousands of files again (most of a cached restart's time before).
//!
//! The format is private to one werkbank build: the cache entry's name includes a hash
//! of the binary, so no other build reads it and it needs no version beyond its magic
//! line. Numbers are little-endian `u64`, strings and byte strings carry their length.
//! Every read is bounds-checked and every string is checked to be UTF-8: a damaged or
//! truncated file is an error (the cache entry is then rebuilt), never a panic.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};

use rayon::prelude::*;
use tantivy::directory::OwnedBytes;

use super::markdown::{TextSection, TocEntry};
use super::{ContentError, Date, DateTime, Document, Event, EventStatus, FrontMatter, Kind};

/// The first bytes of a stored file.
const MAGIC: &[u8] = b"werkbank-documents-1\n";

/// What parsing one Markdown file gave: its document or its error.
pub type Parsed = Result<Document, ContentError>;

/// Why a stored file cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged(pub(crate) &'static str);

impl fmt::Display for Damaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gespeicherte Dokumente beschädigt: {}", self.0)
    }
}

impl std::error::Error for Damaged {}

/// The stored form of `parsed`, in the same order.
pub fn encode(parsed: &[Parsed]) -> Vec<u8> {
    encode_all(MAGIC, parsed)
}

/// Reads back what [`encode`] wrote. The documents' bodies stay in `file`.
pub fn decode(file: &OwnedBytes) -> Result<Vec<Parsed>, Damaged> {
    decode_all(MAGIC, file)
}

/// A file of one value behind the line `magic`.
pub(crate) fn encode_one<T: Stored>(magic: &[u8], value: &T) -> Vec<u8> {
    let mut w = Writer(magic.to_vec());
    value.put(&mut w);
    w.0
}

/// Reads back what [`encode_one`] wrote with the same `magic`: all of `bytes`, or an
/// error.
pub(crate) fn decode_one<T: Stored>(magic: &[u8], bytes: &[u8]) -> Result<T, Damaged> {
    if !bytes.starts_with(magic) {
        return Err(Damaged("unbekanntes Format"));
    }
    let mut r = Reader {
        file: bytes,
        owner: None,
        at: magic.len(),
        end: bytes.len(),
    };
    let value = T::take(&mut r)?;
    if r.is_done() {
        Ok(value)
    } else {
        Err(Damaged("Daten nach dem Ende"))
    }
}

/// A file of `values` behind the line `magic`. Each value is encoded on its own (on
/// all cores), then they are joined behind a table of their lengths, so that reading
/// can split them without decoding and decode them on all cores too.
pub(crate) fn encode_all<T: Stored + Sync>(magic: &[u8], values: &[T]) -> Vec<u8> {
    let entries: Vec<Vec<u8>> = values
        .par_iter()
        .map(|value| {
            let mut w = Writer(Vec::new());
            value.put(&mut w);
            w.0
        })
        .collect();
    let mut w = Writer(Vec::with_capacity(
        magic.len() + 8 * (entries.len() + 1) + entries.iter().map(Vec::len).sum::<usize>(),
    ));
    w.0.extend_from_slice(magic);
    w.usize(entries.len());
    for entry in &entries {
        w.usize(entry.len());
    }
    for entry in entries {
        w.0.extend_from_slice(&entry);
    }
    w.0
}

/// Reads back what [`encode_all`] wrote with the same `magic`.
pub(crate) fn decode_all<T: Stored + Send>(
    magic: &[u8],
    file: &OwnedBytes,
) -> Result<Vec<T>, Damaged> {
    if !file.as_slice().starts_with(magic) {
        return Err(Damaged("unbekanntes Format"));
    }
    let mut r = Reader::new(file, magic.len()..file.len());
    let count = r.usize()?;
    // Each entry needs at least its length: a count larger than the file is damage,
    // and must not make us reserve memory for it.
    if count > (r.end - r.at) / 8 {
        return Err(Damaged("Anzahl zu groß"));
    }
    let lengths = (0..count)
        .map(|_| r.usize())
        .collect::<Result<Vec<_>, _>>()?;
    let mut spans = Vec::with_capacity(count);
    for len in lengths {
        spans.push(r.span(len)?);
    }
    if !r.is_done() {
        return Err(Damaged("Daten nach dem Ende"));
    }
    spans
        .into_par_iter()
        .map(|span| {
            let mut r = Reader::new(file, span);
            let value = T::take(&mut r)?;
            if r.is_done() {
                Ok(value)
            } else {
                Err(Damaged("Eintrag länger als gelesen"))
            }
        })
        .collect()
}

/// Appends values to a stored file.
pub(crate) struct Writer(Vec<u8>);

impl Writer {
    pub(crate) fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn usize(&mut self, value: usize) {
        self.u64(value as u64);
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.0.push(u8::from(value));
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.usize(bytes.len());
        self.0.extend_from_slice(bytes);
    }
}

/// Reads values from a stored file, front to back.
pub(crate) struct Reader<'a> {
    /// The whole file.
    file: &'a [u8],
    /// The file as shared bytes, if it is held that way: then byte strings can stay in
    /// it (see [`Reader::shared_bytes`]).
    owner: Option<&'a OwnedBytes>,
    /// The next byte to read.
    at: usize,
    /// Where this reader's part of the file ends.
    end: usize,
}

impl<'a> Reader<'a> {
    /// Reads `file[range]`.
    fn new(file: &'a OwnedBytes, range: std::ops::Range<usize>) -> Reader<'a> {
        Reader {
            file: file.as_slice(),
            owner: Some(file),
            at: range.start,
            end: range.end,
        }
    }

    fn is_done(&self) -> bool {
        self.at == self.end
    }

    fn span(&mut self, len: usize) -> Result<std::ops::Range<usize>, Damaged> {
        if len > self.end - self.at {
            return Err(Damaged("Datei zu kurz"));
        }
        self.at += len;
        Ok(self.at - len..self.at)
    }

    pub(crate) fn take(&mut self, len: usize) -> Result<&'a [u8], Damaged> {
        let span = self.span(len)?;
        Ok(&self.file[span])
    }

    pub(crate) fn u64(&mut self) -> Result<u64, Damaged> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().expect("eight bytes")))
    }

    pub(crate) fn usize(&mut self) -> Result<usize, Damaged> {
        usize::try_from(self.u64()?).map_err(|_| Damaged("Zahl zu groß"))
    }

    pub(crate) fn bool(&mut self) -> Result<bool, Damaged> {
        match self.take(1)? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(Damaged("kein Wahrheitswert")),
        }
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Damaged> {
        let len = self.usize()?;
        self.take(len)
    }

    /// Like [`bytes`](Self::bytes), without a copy: the bytes stay in the file (a
    /// memory-mapped file stays mapped while they are used).
    pub(crate) fn shared_bytes(&mut self) -> Result<OwnedBytes, Damaged> {
        let len = self.usize()?;
        let span = self.span(len)?;
        Ok(match self.owner {
            Some(owner) => owner.slice(span),
            None => OwnedBytes::new(self.file[span].to_vec()),
        })
    }
}

/// A value with a stored form.
pub(crate) trait Stored: Sized {
    fn put(&self, w: &mut Writer);
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged>;
}

impl Stored for String {
    fn put(&self, w: &mut Writer) {
        w.bytes(self.as_bytes());
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let bytes = r.bytes()?;
        // Checked with SIMD: the cached documents are tens of megabytes of German
        // text, and the standard check, slow on every umlaut, was a fifth of a
        // restart's work.
        simdutf8::basic::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| Damaged("Text ist kein UTF-8"))
    }
}

impl<T: Stored, E: Stored> Stored for Result<T, E> {
    fn put(&self, w: &mut Writer) {
        w.bool(self.is_ok());
        match self {
            Ok(value) => value.put(w),
            Err(error) => error.put(w),
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(if r.bool()? {
            Ok(T::take(r)?)
        } else {
            Err(E::take(r)?)
        })
    }
}

impl Stored for u32 {
    fn put(&self, w: &mut Writer) {
        w.0.extend_from_slice(&self.to_le_bytes());
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(u32::from_le_bytes(
            r.take(4)?.try_into().expect("four bytes"),
        ))
    }
}

impl Stored for usize {
    fn put(&self, w: &mut Writer) {
        w.usize(*self);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.usize()
    }
}

impl Stored for u8 {
    fn put(&self, w: &mut Writer) {
        w.0.push(*self);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(r.take(1)?[0])
    }
}

impl Stored for bool {
    fn put(&self, w: &mut Writer) {
        w.bool(*self);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.bool()
    }
}

impl<T: Stored> Stored for Option<T> {
    fn put(&self, w: &mut Writer) {
        w.bool(self.is_some());
        if let Some(value) = self {
            value.put(w);
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(if r.bool()? { Some(T::take(r)?) } else { None })
    }
}

impl<T: Stored> Stored for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.usize(self.len());
        for value in self {
            value.put(w);
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let len = r.usize()?;
        // Every stored value takes at least one byte.
        if len > r.end - r.at {
            return Err(Damaged("Liste zu lang"));
        }
        // Grown as values are read, not reserved from a length that may be damaged.
        let mut values = Vec::new();
        for _ in 0..len {
            values.push(T::take(r)?);
        }
        Ok(values)
    }
}

impl<T: Stored> Stored for Box<[T]> {
    fn put(&self, w: &mut Writer) {
        // The same form as a `Vec<T>`, which `take` reads.
        w.usize(self.len());
        for value in self.iter() {
            value.put(w);
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Vec::take(r)?.into_boxed_slice())
    }
}

impl<K: Stored + Eq + Hash, V: Stored, S: BuildHasher + Default> Stored for HashMap<K, V, S> {
    fn put(&self, w: &mut Writer) {
        w.usize(self.len());
        for (key, value) in self {
            key.put(w);
            value.put(w);
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let len = r.usize()?;
        // Every stored entry takes at least one byte.
        if len > r.end - r.at {
            return Err(Damaged("Tabelle zu lang"));
        }
        // Room for the stored entries, but never for more than the bytes left could
        // hold (two at least per entry), so a damaged length reserves no more entries
        // than a file of this size could fill. (A list still grows as it is read:
        // its values, sections with their texts for one, can be far larger than a
        // table's entries.)
        let mut map = HashMap::with_capacity_and_hasher(len.min((r.end - r.at) / 2), S::default());
        for _ in 0..len {
            let key = K::take(r)?;
            map.insert(key, V::take(r)?);
        }
        Ok(map)
    }
}

/// Dates, kinds and states are stored in their front-matter spelling and parsed back.
fn parse_back<T>(r: &mut Reader<'_>, parse: impl Fn(&str) -> Option<T>) -> Result<T, Damaged> {
    parse(&String::take(r)?).ok_or(Damaged("unlesbarer Wert"))
}

impl Stored for Date {
    fn put(&self, w: &mut Writer) {
        self.to_string().put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        parse_back(r, Date::parse)
    }
}

impl Stored for DateTime {
    fn put(&self, w: &mut Writer) {
        self.to_string().put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        parse_back(r, DateTime::parse)
    }
}

impl Stored for Kind {
    fn put(&self, w: &mut Writer) {
        self.slug().to_owned().put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        parse_back(r, Kind::parse)
    }
}

impl Stored for EventStatus {
    fn put(&self, w: &mut Writer) {
        self.label().to_owned().put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        parse_back(r, EventStatus::parse)
    }
}

impl Stored for Event {
    fn put(&self, w: &mut Writer) {
        let Event {
            title,
            start,
            end,
            location,
            status,
            note,
            new_start,
            new_end,
            line,
        } = self;
        title.put(w);
        start.put(w);
        end.put(w);
        location.put(w);
        status.put(w);
        note.put(w);
        new_start.put(w);
        new_end.put(w);
        line.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Event {
            title: Stored::take(r)?,
            start: Stored::take(r)?,
            end: Stored::take(r)?,
            location: Stored::take(r)?,
            status: Stored::take(r)?,
            note: Stored::take(r)?,
            new_start: Stored::take(r)?,
            new_end: Stored::take(r)?,
            line: Stored::take(r)?,
        })
    }
}

impl Stored for FrontMatter {
    fn put(&self, w: &mut Writer) {
        let FrontMatter {
            title,
            summary,
            trades,
            trade_line,
            kind,
            year,
            tags,
            updated,
            valid_until,
            events,
        } = self;
        title.put(w);
        summary.put(w);
        trades.put(w);
        trade_line.put(w);
        kind.put(w);
        year.put(w);
        tags.put(w);
        updated.put(w);
        valid_until.put(w);
        events.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(FrontMatter {
            title: Stored::take(r)?,
            summary: Stored::take(r)?,
            trades: Stored::take(r)?,
            trade_line: Stored::take(r)?,
            kind: Stored::take(r)?,
            year: Stored::take(r)?,
            tags: Stored::take(r)?,
            updated: Stored::take(r)?,
            valid_until: Stored::take(r)?,
            events: Stored::take(r)?,
        })
    }
}

impl Stored for TocEntry {
    fn put(&self, w: &mut Writer) {
        let TocEntry { level, id, text } = self;
        level.put(w);
        id.put(w);
        text.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(TocEntry {
            level: Stored::take(r)?,
            id: Stored::take(r)?,
            text: Stored::take(r)?,
        })
    }
}

impl Stored for TextSection {
    fn put(&self, w: &mut Writer) {
        let TextSection { id, heading, text } = self;
        id.put(w);
        heading.put(w);
        text.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(TextSection {
            id: Stored::take(r)?,
            heading: Stored::take(r)?,
            text: Stored::take(r)?,
        })
    }
}

impl Stored for ContentError {
    fn put(&self, w: &mut Writer) {
        let ContentError {
            file,
            line,
            message,
        } = self;
        file.put(w);
        line.put(w);
        message.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(ContentError {
            file: Stored::take(r)?,
            line: Stored::take(r)?,
            message: Stored::take(r)?,
        })
    }
}

impl Stored for Document {
    fn put(&self, w: &mut Writer) {
        let Document {
            file,
            url,
            section,
            is_index,
            meta,
            rendered,
            body_line,
        } = self;
        file.put(w);
        url.put(w);
        section.put(w);
        is_index.put(w);
        meta.put(w);
        rendered.put(w);
        body_line.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Document {
            file: Stored::take(r)?,
            url: Stored::take(r)?,
            section: Stored::take(r)?,
            is_index: Stored::take(r)?,
            meta: Stored::take(r)?,
            rendered: Stored::take(r)?,
            body_line: Stored::take(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::content::{ContentSource, SourceFile};
    use crate::library;

    /// The demo's Markdown files as if read from a folder, and one broken file.
    fn parsed() -> Vec<Parsed> {
        let mut markdown: Vec<SourceFile> = ContentSource::Embedded
            .read_all()
            .unwrap()
            .into_iter()
            .filter(|f| library::is_markdown(&f.path))
            .map(|f| SourceFile {
                bytes: Cow::Owned(f.bytes.to_vec()),
                ..f
            })
            .collect();
        markdown.push(SourceFile {
            path: "kaputt.md".to_owned(),
            bytes: Cow::Owned(b"kein Front Matter".to_vec()),
        });
        library::parse(&markdown)
    }

    #[test]
    fn documents_read_back_equal_and_render_the_same_html() {
        let parsed = parsed();
        let documents: Vec<&Document> = parsed.iter().flatten().collect();
        assert!(parsed.iter().any(Result::is_err));
        assert!(documents.iter().any(|d| !d.meta.events.is_empty()));
        assert!(
            documents
                .iter()
                .any(|d| !d.rendered.internal_links.is_empty())
        );

        let back = decode(&OwnedBytes::new(encode(&parsed))).unwrap();
        assert_eq!(back, parsed);
        for (before, after) in documents.iter().zip(back.iter().flatten()) {
            assert_eq!(
                before.rendered.html(),
                after.rendered.html(),
                "{}",
                before.file
            );
        }
    }

    #[test]
    fn damaged_files_are_refused_and_never_panic() {
        let parsed = &parsed()[..4];
        let bytes = encode(parsed);
        let read = |bytes: &[u8]| decode(&OwnedBytes::new(bytes.to_vec()));
        assert!(read(&bytes).is_ok());
        for cut in (0..bytes.len()).step_by(11) {
            assert!(read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read(&longer).is_err());
        // A text that is not UTF-8 any more is refused.
        let title = parsed[0].as_ref().unwrap().meta.title.as_bytes();
        let at = (bytes.windows(title.len()))
            .position(|w| w == title)
            .expect("the title is stored as it is");
        let mut not_text = bytes.clone();
        not_text[at] = 0xff;
        assert!(read(&not_text).is_err());
        // A changed byte may still read (a changed letter is still text), but never
        // panics or reserves memory for a huge length.
        for at in (0..bytes.len()).step_by(5) {
            for flip in [0x01, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                let _ = read(&damaged);
            }
        }
    }
}
