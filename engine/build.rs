//! Chooses the content folder to embed and rebuilds when it changes, including added or
//! removed files (rust-embed alone only notices changes to files it already embedded).
//!
//! `WERKBANK_CONTENT_DIR=/pfad/zu/inhalte cargo build --release` embeds a chamber's own
//! folder instead of the demo in `content/`; a relative path is taken from the
//! workspace's top folder (where the portal's `Cargo.toml` is). The resolved path
//! reaches rust-embed as `WERKBANK_EMBED_DIR`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=WERKBANK_CONTENT_DIR");
    // The engine lives in `engine/` of the werkbank workspace: paths are taken from
    // the workspace's top folder, where `Cargo.toml` of the portal is.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let manifest = manifest
        .parent()
        .expect("engine/ has a parent folder")
        .to_owned();
    let chosen = std::env::var_os("WERKBANK_CONTENT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("content"));
    let dir = if chosen.is_absolute() {
        chosen
    } else {
        manifest.join(chosen)
    };
    if !dir.is_dir() {
        panic!(
            "WERKBANK_CONTENT_DIR: {} ist kein Ordner (erwartet: ein Ordner mit Markdown-Dateien)",
            dir.display()
        );
    }
    let dir = dir.canonicalize().unwrap_or(dir);
    let text = dir
        .to_str()
        .expect("WERKBANK_CONTENT_DIR: der Pfad muss gültiges UTF-8 sein");
    assert!(
        !text.contains('$'),
        "WERKBANK_CONTENT_DIR: der Pfad darf kein $ enthalten"
    );
    println!("cargo:rerun-if-changed={text}");
    println!("cargo:rustc-env=WERKBANK_EMBED_DIR={text}");
}
