#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| livingref_fuzz::hypotheses(data));
