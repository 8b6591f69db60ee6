//! A timed-out gcloud is stopped with everything it started. gcloud is a shell script that
//! starts Python; here `/bin/sh` stands in for it and starts a `sleep` that would outlive a
//! kill of the script alone (and hold its output pipes open).

use std::time::{Duration, Instant};

use kubectl_sandbox::{Gcloud, GcloudError};
use testkit::processes;

const MARKER: &str = "KUBECTL_SANDBOX_TEST_MARKER";

#[test]
fn timeout_kills_the_whole_process_group() {
    let marker = format!("timeout-{}", std::process::id());
    let shell = Gcloud::locate_with(Some("/bin/sh".into()), None)
        .unwrap()
        .with_env(MARKER, &marker);
    let run = std::thread::spawn(move || {
        // `sh -c SCRIPT --quiet`: the `--quiet` Gcloud::run appends becomes `$0`.
        shell.run(
            &["-c".to_string(), "sleep 300 & wait".to_string()],
            Duration::from_secs(5),
        )
    });
    let give_up = Instant::now() + Duration::from_secs(60);
    let mut most_seen = 0;
    while Instant::now() < give_up && !run.is_finished() {
        most_seen = most_seen.max(processes::with_env(MARKER, &marker).len());
        std::thread::sleep(Duration::from_millis(20));
    }
    let result = run.join().unwrap();
    assert!(
        matches!(result, Err(GcloudError::TimedOut { .. })),
        "{result:?}"
    );
    assert_eq!(most_seen, 2, "the script and its sleep were seen running");
    assert_eq!(processes::with_env(MARKER, &marker), Vec::<u32>::new());
}
