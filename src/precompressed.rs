//! Response bodies kept in memory together with their gzip and brotli encodings, so a
//! page is compressed once per content version instead of once per request.
//!
//! Compression is deterministic (fixed levels, no timestamps in the gzip header), so
//! every replica produces the same bytes and therefore the same ETag for each encoding.
//! The encodings are made on first use and then kept: compressing all 10,000 pages of
//! a large folder up front would delay the start by seconds, while most pages are
//! never requested in most encodings. Nothing here knows about HTTP; choosing an
//! encoding from `Accept-Encoding` is the web layer's business.

use std::io::Write;
use std::sync::OnceLock;

use bytes::Bytes;

/// Bodies shorter than this are sent as they are: the headers cost more than the saving.
pub const MIN_COMPRESS_BYTES: usize = 512;
/// gzip level for bodies that are kept (the highest; they are compressed only once).
const GZIP_LEVEL_KEPT: u32 = 9;
/// gzip level for bodies rendered per request.
const GZIP_LEVEL_PER_REQUEST: u32 = 6;
/// brotli quality for bodies that are kept (the highest).
const BROTLI_QUALITY_KEPT: u32 = 11;
/// brotli quality for bodies rendered per request: about gzip's speed, smaller output.
const BROTLI_QUALITY_PER_REQUEST: u32 = 5;
/// brotli window (log2 bytes); 22 is the format's default.
const BROTLI_WINDOW: u32 = 22;

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The body as it is.
    Identity,
    /// gzip (RFC 1952).
    Gzip,
    /// brotli (RFC 7932).
    Brotli,
}

impl Encoding {
    /// The token for `Content-Encoding`, or `None` for the identity.
    pub fn token(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

/// How hard to compress: bodies kept for the whole content version are worth the
/// slowest, smallest encoding; bodies made for one request are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Kept in memory and served many times.
    Kept,
    /// Rendered for one request.
    PerRequest,
}

/// One body with its compressed forms, made on first use.
#[derive(Debug, Clone)]
pub struct Precompressed {
    identity: Bytes,
    effort: Effort,
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
}

impl Precompressed {
    /// Wraps a body.
    pub fn new(identity: Bytes, effort: Effort) -> Precompressed {
        Precompressed {
            identity,
            effort,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body as it is.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The body in `encoding`, or `None` if that encoding would not make it smaller
    /// (then the identity should be sent).
    pub fn encoded(&self, encoding: Encoding) -> Option<&Bytes> {
        let cell = match encoding {
            Encoding::Identity => return Some(&self.identity),
            Encoding::Gzip => &self.gzip,
            Encoding::Brotli => &self.brotli,
        };
        cell.get_or_init(|| {
            if self.identity.len() < MIN_COMPRESS_BYTES {
                return None;
            }
            let compressed = compress(&self.identity, encoding, self.effort);
            (compressed.len() < self.identity.len()).then(|| Bytes::from(compressed))
        })
        .as_ref()
    }
}

/// Compresses `bytes`; the output depends only on the input, encoding and effort.
pub fn compress(bytes: &[u8], encoding: Encoding, effort: Effort) -> Vec<u8> {
    match encoding {
        Encoding::Identity => bytes.to_vec(),
        Encoding::Gzip => {
            let level = match effort {
                Effort::Kept => GZIP_LEVEL_KEPT,
                Effort::PerRequest => GZIP_LEVEL_PER_REQUEST,
            };
            // The default header has no file name and a zero modification time, so the
            // output is the same on every machine.
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(bytes.len() / 3),
                flate2::Compression::new(level),
            );
            encoder
                .write_all(bytes)
                .and_then(|()| encoder.finish())
                .expect("compressing into memory cannot fail")
        }
        Encoding::Brotli => {
            let quality = match effort {
                Effort::Kept => BROTLI_QUALITY_KEPT,
                Effort::PerRequest => BROTLI_QUALITY_PER_REQUEST,
            };
            let mut out = Vec::with_capacity(bytes.len() / 4);
            {
                let mut encoder =
                    brotli::CompressorWriter::new(&mut out, 4096, quality, BROTLI_WINDOW);
                encoder
                    .write_all(bytes)
                    .expect("compressing into memory cannot fail");
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn sample() -> Bytes {
        Bytes::from("<p>Gesellenprüfung Teil 1 – Tischler/in</p>\n".repeat(100))
    }

    #[test]
    fn encodings_decode_to_the_original() {
        let body = Precompressed::new(sample(), Effort::Kept);
        let gz = body.encoded(Encoding::Gzip).expect("gzip is smaller");
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, sample());
        let br = body.encoded(Encoding::Brotli).expect("brotli is smaller");
        let mut out = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, sample());
    }

    #[test]
    fn output_is_deterministic_and_kept() {
        let a = Precompressed::new(sample(), Effort::Kept);
        let b = Precompressed::new(sample(), Effort::Kept);
        for encoding in [Encoding::Gzip, Encoding::Brotli] {
            assert_eq!(a.encoded(encoding), b.encoded(encoding));
            // The second call returns the kept buffer, not a new compression.
            let first = a.encoded(encoding).unwrap().as_ptr();
            assert_eq!(a.encoded(encoding).unwrap().as_ptr(), first);
        }
    }

    #[test]
    fn tiny_bodies_stay_uncompressed() {
        let body = Precompressed::new(Bytes::from_static(b"<p>kurz</p>"), Effort::Kept);
        assert_eq!(body.encoded(Encoding::Gzip), None);
        assert_eq!(body.encoded(Encoding::Brotli), None);
        assert_eq!(
            body.encoded(Encoding::Identity).unwrap(),
            &b"<p>kurz</p>"[..]
        );
    }
}
