//! A TXT record or MTA-STS policy (SPF, DKIM, DMARC, MTA-STS): `engine::fuzzing::records`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::fuzzing::records(&String::from_utf8_lossy(data)));
