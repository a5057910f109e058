//! A `launchready scan --product` file: `engine::fuzzing::product_file`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::fuzzing::product_file(&String::from_utf8_lossy(data)));
