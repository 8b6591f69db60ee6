//! Finding a test's child processes by an environment variable they inherited, so a test
//! can check that nothing it started is left running.

/// Pids of live processes whose environment holds `KEY=VALUE`. Zombies have an empty
/// environment and are not counted; processes that cannot be read are skipped.
pub fn with_env(key: &str, value: &str) -> Vec<u32> {
    let marker = format!("{key}={value}\0").into_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.windows(marker.len()).any(|w| w == marker))
        })
        .collect()
}
