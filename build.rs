//! Rebuild when embedded content or assets change, including added or removed files
//! (rust-embed alone only notices changes to files it already embedded).

fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=assets");
}
