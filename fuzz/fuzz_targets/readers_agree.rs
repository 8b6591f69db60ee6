//! Any text as a manifest: wherever a fast reader (block-style YAML, JSON) reads a
//! document, the full YAML parser must read the same value and the same lines
//! (`manifest::readers_agree`).
#![no_main]

use kubectl_sandbox::manifest::readers_agree;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(difference) = readers_agree::check(text) {
        panic!("{difference}");
    }
});
