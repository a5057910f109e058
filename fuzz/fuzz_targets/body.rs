//! A response body (secrets scanner and redaction, security.txt, .env, git, source maps): `engine::fuzzing::body`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::fuzzing::body(&String::from_utf8_lossy(data)));
