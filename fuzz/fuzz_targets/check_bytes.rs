//! Arbitrary bytes: when they are UTF-8, check them with both grammars and fix them, asserting
//! the invariants of `amplint_fuzz::check_and_fix`. Seed it with the fixtures (`fuzz/seed.sh`).
#![no_main]

use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_fuzz::{check_and_fix, KINDS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in KINDS {
        check_and_fix(text, kind);
    }
});
