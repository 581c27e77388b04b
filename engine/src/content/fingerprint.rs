//! The content fingerprint: one SHA-256 over every file of a content version, so that
//! people can check (by phone, on a printed notice) that they see the genuine portal,
//! and operators can check that replicas serve the same content.
//!
//! The hash covers the sorted paths and bytes with their lengths, so that moving bytes
//! from one file to the next, or renaming a file, changes it. It depends on nothing else:
//! not the machine, the folder's location or the time.

use std::fmt;

use sha2::{Digest, Sha256};

use super::{ContentSource, SourceFile};

/// How many hex digits the short form shows: 12 digits (48 bits) are easy to read out
/// and compare, and a forger cannot find a matching content by chance.
pub const SHORT_HEX_DIGITS: usize = 12;

/// A content version's SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Hashes the files of one content version. The order of `files` does not matter.
    pub fn of(files: &[SourceFile]) -> Fingerprint {
        let mut sorted: Vec<&SourceFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let mut hasher = Sha256::new();
        for file in sorted {
            hasher.update((file.path.len() as u64).to_le_bytes());
            hasher.update(file.path.as_bytes());
            hasher.update((file.bytes.len() as u64).to_le_bytes());
            hasher.update(&file.bytes);
        }
        Fingerprint(hasher.finalize().into())
    }

    /// A fingerprint from its 32 bytes (as [`as_bytes`](Self::as_bytes) gave them).
    pub fn from_bytes(bytes: [u8; 32]) -> Fingerprint {
        Fingerprint(bytes)
    }

    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// All 64 hex digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 12 hex digits in groups of four, e.g. `1a2b-3c4d-5e6f`, for the footer
    /// and for reading out on the phone.
    pub fn short(&self) -> String {
        let hex = self.hex();
        let digits = &hex[..SHORT_HEX_DIGITS];
        digits
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("hex is ASCII"))
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// The fingerprint of the content embedded in this binary.
pub fn fingerprint_of_embedded() -> Option<Fingerprint> {
    ContentSource::Embedded
        .read_all()
        .ok()
        .map(|files| Fingerprint::of(&files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &str) -> SourceFile {
        SourceFile {
            path: path.to_owned(),
            bytes: bytes.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn depends_on_paths_and_bytes_not_order() {
        let a = Fingerprint::of(&[file("a.md", "x"), file("b.md", "y")]);
        let b = Fingerprint::of(&[file("b.md", "y"), file("a.md", "x")]);
        assert_eq!(a, b);
        assert_ne!(a, Fingerprint::of(&[file("a.md", "xy"), file("b.md", "")]));
        assert_ne!(a, Fingerprint::of(&[file("a.md", "x"), file("c.md", "y")]));
        assert_eq!(a.hex().len(), 64);
        assert_eq!(a.short().len(), 14);
        assert!(a.hex().starts_with(&a.short().replace('-', "")));
    }
}
