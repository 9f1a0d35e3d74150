//! A real headless Chromium, driven over the DevTools protocol, for behaviour that lives in
//! the browser (previews on hover, focus and tap). Pages are served from a local static server;
//! every request the page makes is recorded, so tests can prove nothing leaves localhost.
//!
//! Chromium is Debian's `chromium`, provisioned by `cargo xtask provision` (which `cargo xtask
//! test` runs first); a test never installs it, and says how when it is missing.

use serde_json::{Value, json};
use std::io::ErrorKind;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `root` on 127.0.0.1 until dropped.
pub(crate) struct StaticServer {
    server: Arc<tiny_http::Server>,
    pub(crate) origin: String,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub(crate) fn start(root: &Path) -> StaticServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let root = root.to_path_buf();
        let worker = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let path = request
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_owned();
                let mut file = root.join(crate::support::percent_decode(&path));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let response = match std::fs::read(&file) {
                    Ok(bytes) => {
                        let header =
                            tiny_http::Header::from_bytes("Content-Type", content_type(&file))
                                .unwrap();
                        tiny_http::Response::from_data(bytes)
                            .with_header(header)
                            .boxed()
                    }
                    Err(_) => tiny_http::Response::from_string("not found")
                        .with_status_code(404)
                        .boxed(),
                };
                let _ = request.respond(response);
            }
        });
        StaticServer {
            server,
            origin: format!("http://127.0.0.1:{port}"),
            thread: Some(thread),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Path of Debian's Chromium. Tests never install it: `cargo xtask test` (the README's test
/// command) provisions it first, once per machine.
fn chromium() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(p) = std::env::var_os("CHROMIUM") {
            return PathBuf::from(p);
        }
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect(
                "the browser tests need Debian's chromium: run `cargo xtask provision` (or \
                 `apt-get install chromium`, or set CHROMIUM=/path/to/chromium)",
            )
    })
}

/// One headless Chromium with one page, spoken to over the DevTools protocol.
pub(crate) struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    session: Option<String>,
    /// Every event received so far (`{"method": …, "params": …}`).
    pub(crate) events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub(crate) fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                "--remote-debugging-port=0",
                "--window-size=1100,800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: a signal meant for the test runner (or one Chromium's
            // helpers send their group) never reaches the other.
            .process_group(0)
            .spawn()
            .unwrap();
        // Chromium writes the port it picked and the browser's endpoint to this file.
        let port_file = profile.path().join("DevToolsActivePort");
        let start = Instant::now();
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let [port, path, ..] = text.lines().collect::<Vec<_>>()[..]
            {
                break (port.to_owned(), path.to_owned());
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "chromium did not start its DevTools endpoint"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let (socket, _) =
            tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).unwrap();
        let mut browser = Browser {
            child,
            socket,
            next_id: 0,
            session: None,
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().map(str::to_owned);
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Network.enable",
            "Log.enable",
        ] {
            browser.call(domain, json!({}));
        }
        browser
    }

    /// Sends a command and waits for its result; events met on the way are kept.
    pub(crate) fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = self.receive();
            if reply["id"] == json!(id) {
                assert!(
                    reply.get("error").is_none(),
                    "{method} failed: {}",
                    reply["error"]
                );
                return reply["result"].clone();
            }
        }
    }

    fn receive(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    let value: Value = serde_json::from_str(text.as_str()).unwrap();
                    if value.get("method").is_some() {
                        self.events.push(value.clone());
                    }
                    return value;
                }
                Ok(_) => {}
                // A read with SO_RCVTIMEO is not restarted after a signal: try again until the
                // deadline (the suite once failed on its first run with "Interrupted system
                // call" right after a package manager ran).
                Err(tungstenite::Error::Io(e))
                    if e.kind() == ErrorKind::Interrupted && Instant::now() < deadline => {}
                Err(tungstenite::Error::Io(e))
                    if e.kind() == ErrorKind::WouldBlock
                        || e.kind() == ErrorKind::TimedOut
                        || e.kind() == ErrorKind::Interrupted =>
                {
                    panic!("no answer from chromium within {TIMEOUT:?}")
                }
                Err(e) => panic!("DevTools connection failed: {e}"),
            }
        }
    }

    /// Navigates and waits until the page has loaded. Polls the page instead of waiting for
    /// `Page.loadEventFired`: under load, the first `about:blank` can finish after our
    /// navigation starts and swallow its event. A navigation that went nowhere is retried.
    pub(crate) fn open(&mut self, url: &str) {
        let start = Instant::now();
        let mut sent = None;
        loop {
            if sent.is_none_or(|t: Instant| t.elapsed() > Duration::from_secs(3)) {
                self.call("Page.navigate", json!({"url": url}));
                sent = Some(Instant::now());
            }
            let check = format!("location.href === {url:?} && document.readyState === 'complete'");
            if self.eval(&check) == json!(true) {
                return;
            }
            assert!(start.elapsed() < TIMEOUT, "{url} did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Evaluates `expression` in the page and returns its JSON value.
    pub(crate) fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy (or times out), returning its value.
    pub(crate) fn wait_for(&mut self, expression: &str) -> Value {
        let start = Instant::now();
        loop {
            let value = self.eval(expression);
            if !(value.is_null() || value == json!(false) || value == json!("")) {
                return value;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "timed out waiting for `{expression}`"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn mouse_move(&mut self, x: f64, y: f64) {
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": x, "y": y}),
        );
    }

    /// Scrolls the first element matching `selector` into view, as a reader would before
    /// pointing at it, and returns its centre in the viewport.
    pub(crate) fn center(&mut self, selector: &str) -> (f64, f64) {
        let v = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector:?}); \
             e.scrollIntoView({{block: 'center', behavior: 'instant'}}); \
             const r = e.getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
    }

    /// A left click with the mouse on the first element matching `selector`.
    pub(crate) fn click(&mut self, selector: &str) {
        let (x, y) = self.center(selector);
        self.mouse_move(x, y);
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Moves the mouse onto the first element matching `selector`.
    pub(crate) fn hover(&mut self, selector: &str) {
        let (x, y) = self.center(selector);
        self.mouse_move(x, y);
    }

    /// Presses Tab, as a keyboard user would, until an element matching `selector` has focus.
    pub(crate) fn tab_to(&mut self, selector: &str) {
        for _ in 0..100 {
            self.press_tab();
            if self.eval(&format!("document.activeElement.matches({selector:?})")) == json!(true) {
                return;
            }
        }
        panic!("Tab never reached `{selector}`");
    }

    /// No console error, and no request to anything but `origin` (or a `data:` URL).
    pub(crate) fn assert_clean(&self, origin: &str) {
        assert_eq!(self.errors(), Vec::<String>::new(), "console errors");
        let outside: Vec<String> = self
            .requests()
            .into_iter()
            .filter(|u| !u.starts_with(origin) && !u.starts_with("data:"))
            .collect();
        assert_eq!(outside, Vec::<String>::new(), "requests leaving localhost");
    }

    pub(crate) fn press_tab(&mut self) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}),
            );
        }
    }

    pub(crate) fn tap(&mut self, x: f64, y: f64) {
        self.call(
            "Emulation.setTouchEmulationEnabled",
            json!({"enabled": true, "maxTouchPoints": 1}),
        );
        self.call(
            "Input.dispatchTouchEvent",
            json!({"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}),
        );
        self.call(
            "Input.dispatchTouchEvent",
            json!({"type": "touchEnd", "touchPoints": []}),
        );
    }

    /// Saves a PNG of the viewport under `target/browser/`, for people to look at.
    pub(crate) fn screenshot(&mut self, name: &str) -> PathBuf {
        use base64::Engine as _;
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        let dir = crate::support::repo_root().join("target/browser");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Uncaught exceptions and console/log errors seen so far.
    pub(crate) fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e["method"].as_str()? {
                "Runtime.exceptionThrown" => Some(e["params"]["exceptionDetails"].to_string()),
                "Runtime.consoleAPICalled" if e["params"]["type"] == "error" => {
                    Some(e["params"]["args"].to_string())
                }
                "Log.entryAdded" if e["params"]["entry"]["level"] == "error" => {
                    Some(e["params"]["entry"].to_string())
                }
                _ => None,
            })
            .collect()
    }

    /// URLs of every request the page made.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
