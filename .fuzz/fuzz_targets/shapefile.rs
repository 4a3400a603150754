//! Fuzz target `shapefile`: the checks live in tests/suite/fuzz_checks/mod.rs, which
//! tests/suite/fuzz_corpus.rs also runs over the committed corpus under plain `cargo test`.
#![no_main]

#[path = "../../tests/suite/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::shapefile(data));
