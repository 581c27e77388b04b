//! Indexes the embedded content, so that the binary starts with its search index made
//! (see `werkbank_engine::built_in`).
//!
//! The engine (a build dependency) reads the content it embeds, as the binary will,
//! and builds the index into `$OUT_DIR/built-in-index`. This script then writes
//! `$OUT_DIR/built_in_index.rs`: the list of that folder's files, each as
//! `include_bytes!`, which `src/state.rs` compiles in. If the content has errors, the
//! list is empty and the build goes on: the binary reports the errors when started.
//! Which folder is embedded, and when it changed, is the engine's build script's
//! business; a new engine (other content or code) runs this script again.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=assets");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let dir = out.join("built-in-index");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    let mut list = String::from("&[\n");
    match werkbank_engine::built_in::write(&dir) {
        Ok(_) => {
            let names = werkbank_engine::built_in::files_to_compile_in(&dir)
                .expect("the index folder was just written");
            for name in names {
                let path = dir.join(&name);
                let path = path.to_str().expect("OUT_DIR is UTF-8");
                writeln!(list, "    ({name:?}, include_bytes!({path:?})),").expect("a String");
            }
        }
        Err(error) => println!(
            "cargo:warning=kein eingebauter Suchindex, er wird beim Start gebaut: {error:#}"
        ),
    }
    list.push(']');
    std::fs::write(out.join("built_in_index.rs"), list).expect("OUT_DIR is writable");
}
