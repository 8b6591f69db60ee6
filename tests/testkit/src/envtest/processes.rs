//! Children that cannot outlive the test binary.
//!
//! Rust never drops statics, so the plane (kept in one for the whole binary) is stopped two
//! ways: an `atexit` handler kills and reaps every child and removes the plane's directory
//! when the test harness exits (also after failed or panicking tests), and each child is
//! spawned with `PR_SET_PDEATHSIG` = SIGKILL so the kernel kills it if the binary itself is
//! killed. That signal fires when the *thread* that forked the child exits, so every child is
//! forked by one spawner thread that lives as long as the process.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

/// Every process [`spawn`] started, stopped at exit.
static CHILDREN: Mutex<Vec<Child>> = Mutex::new(Vec::new());
/// Directories removed at exit, after the children are gone.
static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

type Request = (Command, Sender<std::io::Result<u32>>);
static SPAWNER: OnceLock<Mutex<Sender<Request>>> = OnceLock::new();

fn spawner() -> &'static Mutex<Sender<Request>> {
    SPAWNER.get_or_init(|| {
        let (tx, rx) = channel::<Request>();
        std::thread::Builder::new()
            .name("envtest-spawner".into())
            .spawn(move || {
                // The sender lives in a static, so this loop (and the thread) lasts until exit.
                for (mut command, reply) in rx {
                    let spawned = command.spawn().map(|child| {
                        let pid = child.id();
                        CHILDREN
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(child);
                        pid
                    });
                    let _ = reply.send(spawned);
                }
            })
            .expect("the spawner thread starts");
        // SAFETY: `stop_all` is a plain `extern "C" fn` with no arguments.
        unsafe { libc::atexit(stop_all) };
        Mutex::new(tx)
    })
}

/// Starts `command` as a child that dies with the test binary; returns its pid.
pub fn spawn(mut command: Command) -> std::io::Result<u32> {
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() == 1 {
                return Err(std::io::Error::other("the test binary is gone"));
            }
            Ok(())
        });
    }
    let (tx, rx) = channel();
    spawner()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((command, tx))
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?;
    rx.recv()
        .map_err(|_| std::io::Error::other("the spawner thread is gone"))?
}

/// Whether the child `pid` has exited, and how.
pub fn exit_status(pid: u32) -> Option<std::process::ExitStatus> {
    let mut children = CHILDREN.lock().unwrap_or_else(|e| e.into_inner());
    children
        .iter_mut()
        .find(|c| c.id() == pid)
        .and_then(|c| c.try_wait().ok().flatten())
}

/// Removes `dir` at exit, after every child has stopped.
pub fn remove_at_exit(dir: PathBuf) {
    DIRS.lock().unwrap_or_else(|e| e.into_inner()).push(dir);
}

extern "C" fn stop_all() {
    // try_lock: a thread that held the lock when exit began must not hang the exit.
    if let Ok(mut children) = CHILDREN.try_lock() {
        for child in children.iter_mut() {
            let _ = child.kill();
        }
        for child in children.iter_mut() {
            let _ = child.wait();
        }
    }
    if let Ok(dirs) = DIRS.try_lock() {
        for dir in dirs.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
