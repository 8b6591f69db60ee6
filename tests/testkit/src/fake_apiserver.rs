//! A fake Kubernetes API server on loopback.
//!
//! Real HTTP on `127.0.0.1` (an ephemeral port), served from a background thread that
//! stops when the [`FakeApiServer`] is dropped, and by itself after [`HARD_DEADLINE`] so
//! no test can leave it running. It serves fixture objects at the usual API paths
//! (`/api/v1/pods`, `/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}`, ...),
//! pages lists with `limit`/`continue`, filters by equality label selectors, checks a
//! bearer token, records every request, applies PATCH/PUT/POST (honouring
//! `dryRun=All`), and fails on demand ([`Fault`]).
//!
//! ```no_run
//! use testkit::fake_apiserver::{FakeApiServer, objects};
//! let server = FakeApiServer::start();
//! server.insert(objects::pod("shop", "web-1"));
//! server.fail_on("nodes", 403);
//! // ... point a kubeconfig at server.url(), run the code under test ...
//! assert_eq!(server.requests_to("/api/v1/pods").len(), 1);
//! ```

mod http;
mod kinds;
mod kubeconfig;
pub mod objects;
mod route;
mod selector;
mod status;
mod store;
mod table;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use http::RecordedRequest;
pub use kubeconfig::{
    Credentials, KubeconfigContext, exec_credential_plugin, kubeconfig_yaml, write_kubeconfig,
};
pub use route::{AdmissionRule, Fault};
use store::ResourcePath;
pub use store::continue_token;

/// The server stops accepting and answering after this long, whatever the test does.
pub const HARD_DEADLINE: Duration = Duration::from_secs(300);
/// How often delayed answers look at the stop flag, and how long the accept loop rests
/// after a failed accept (out of file descriptors, say) before it tries again.
const POLL: Duration = Duration::from_millis(5);

pub struct FakeApiServer {
    url: String,
    address: SocketAddr,
    state: Arc<Mutex<route::State>>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
    /// How many times the accept loop has woken (once per connection).
    wakeups: Arc<AtomicUsize>,
    /// Dropping it ends the thread that stops the server at its deadline.
    _deadline_timer: mpsc::Sender<()>,
}

impl FakeApiServer {
    /// Binds `127.0.0.1:0` and starts serving; panics if loopback is unavailable.
    pub fn start() -> FakeApiServer {
        FakeApiServer::start_on(0, HARD_DEADLINE)
    }

    /// Binds `127.0.0.1:{port}` (0 for any free port) and serves until dropped or until
    /// `deadline` has passed: the standalone server runs longer than a test may.
    pub fn start_on(port: u16, deadline: Duration) -> FakeApiServer {
        let address = format!("127.0.0.1:{port}");
        let listener =
            TcpListener::bind(&address).unwrap_or_else(|e| panic!("bind {address}: {e}"));
        let address = listener.local_addr().expect("local address");
        let url = format!("http://{address}");
        let state = Arc::new(Mutex::new(route::State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let wakeups = Arc::new(AtomicUsize::new(0));
        let (deadline_timer, timer) = mpsc::channel::<()>();
        {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                if timer.recv_timeout(deadline) == Err(RecvTimeoutError::Timeout) {
                    stop_accepting(&stop, address);
                }
            });
        }
        let deadline = Instant::now() + deadline;
        let accept_thread = {
            let (state, stop, wakeups) =
                (Arc::clone(&state), Arc::clone(&stop), Arc::clone(&wakeups));
            std::thread::spawn(move || accept_loop(&listener, &state, &stop, &wakeups, deadline))
        };
        FakeApiServer {
            url,
            address,
            state,
            stop,
            accept_thread: Some(accept_thread),
            wakeups,
            _deadline_timer: deadline_timer,
        }
    }

    /// `http://127.0.0.1:PORT`, for a kubeconfig's `server:`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// From now on, answer 401 to requests without `Authorization: Bearer {token}`.
    pub fn require_token(&self, token: &str) {
        self.state().token = Some(token.to_string());
    }

    /// The `gitVersion` `/version` reports (default `v1.33.2-gke.1000`).
    pub fn set_git_version(&self, git_version: &str) {
        self.state().git_version = git_version.to_string();
    }

    /// Stores a fixture object where its `apiVersion`, `kind`, namespace and name say.
    pub fn insert(&self, object: Value) {
        self.state().store.insert(object);
    }

    pub fn insert_all(&self, objects: impl IntoIterator<Item = Value>) {
        let mut state = self.state();
        for object in objects {
            state.store.insert(object);
        }
    }

    /// The stored object at an API path such as `/apis/apps/v1/namespaces/a/deployments/web`.
    pub fn object(&self, path: &str) -> Option<Value> {
        let path = ResourcePath::parse(path)?;
        self.state().store.get(&path).cloned()
    }

    /// Injects a fault for `target`: a resource plural (`"pods"`, any path of that
    /// resource) or an exact request path (`"/api/v1/namespaces/shop/pods"`).
    pub fn inject(&self, target: &str, fault: Fault) {
        self.state().faults.push((target.to_string(), fault));
    }

    /// Answers `status` with the API server's Status body for it, e.g. 403
    /// `pods is forbidden: User "x" cannot list resource "pods" ...`.
    pub fn fail_on(&self, target: &str, status: u16) {
        self.inject(target, Fault::Status(status));
    }

    pub fn delay_on(&self, target: &str, delay: Duration) {
        self.inject(target, Fault::Delay(delay));
    }

    pub fn cut_short_on(&self, target: &str) {
        self.inject(target, Fault::CutShortBody);
    }

    /// From now on, creates (POST) are judged by `rule` too, after the rules added before.
    pub fn admit_with(&self, rule: AdmissionRule) {
        self.state().admission.push(rule);
    }

    /// From now on, any list request carrying a continue token gets 410 Gone (Expired).
    pub fn expire_continue_tokens(&self) {
        self.state().expire_continue_tokens = true;
    }

    /// From now on, append one line per request (`METHOD /path?query`) to `log`, so a
    /// process outside the test (a benchmark) can count the requests a client made.
    pub fn log_requests_to(&self, log: impl std::io::Write + Send + 'static) {
        self.state().request_log = Some(Box::new(log));
    }

    /// How many times the accept loop has woken so far: once per connection, never while
    /// idle.
    pub fn accept_wakeups(&self) -> usize {
        self.wakeups.load(Ordering::SeqCst)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// The requests whose path is exactly `path`.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.state()
            .requests
            .iter()
            .filter(|request| request.path == path)
            .cloned()
            .collect()
    }

    fn state(&self) -> MutexGuard<'_, route::State> {
        // A panicking connection thread must not hide the state from the test's asserts.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        stop_accepting(&self.stop, self.address);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sets the stop flag, then wakes the accept loop, blocked in `accept`, with a connection
/// of its own (which it drops unanswered).
fn stop_accepting(stop: &AtomicBool, address: SocketAddr) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(address);
}

/// Blocks in `accept`, so a request is taken the moment it arrives: a loop that polled a
/// non-blocking listener and slept between tries added up to its sleep to every request
/// of a sequential client.
fn accept_loop(
    listener: &TcpListener,
    state: &Arc<Mutex<route::State>>,
    stop: &Arc<AtomicBool>,
    wakeups: &AtomicUsize,
    deadline: Instant,
) {
    loop {
        let accepted = listener.accept();
        wakeups.fetch_add(1, Ordering::SeqCst);
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match accepted {
            Ok((stream, _)) => {
                let (state, stop) = (Arc::clone(state), Arc::clone(stop));
                std::thread::spawn(move || serve_connection(stream, &state, &stop, deadline));
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// One request per connection: read it, plan the answer under the lock, wait out any
/// injected delay without the lock (so other requests go on), then answer and close.
fn serve_connection(
    stream: TcpStream,
    state: &Mutex<route::State>,
    stop: &AtomicBool,
    deadline: Instant,
) {
    let Ok(request) = http::read_request(&stream) else {
        return;
    };
    let plan = {
        let mut state = state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        route::plan(&mut state, request)
    };
    if let Some(delay) = plan.delay {
        let until = (Instant::now() + delay).min(deadline);
        while Instant::now() < until {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(POLL);
        }
    }
    let _ = http::write_reply(stream, &plan.reply);
}

#[cfg(test)]
mod tests;
