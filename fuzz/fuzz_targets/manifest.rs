//! Any bytes as a manifest file: read, then every workload explained, as `explain-pod -f`
//! does. Must never panic, whatever the input.
#![no_main]

use kubectl_sandbox::{Context, Workload, explain, parse_objects};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(objects) = parse_objects("fuzz.yaml", text) {
        for object in objects {
            if let Ok(Some(workload)) = Workload::from_value(&object.value) {
                explain(&workload, Some("default"), &Context::offline());
            }
        }
    }
});
