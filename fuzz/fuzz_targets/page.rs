//! A main page's headers and body (CSP, framing, cookies, Referrer-Policy, ...): `engine::fuzzing::page`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::fuzzing::page(data));
