//! Processes of the fault tests: a throwaway cluster of one test and the
//! real `kasar` binary.

#![allow(dead_code)]

use super::support::*;

// ---------------------------------------------------------------------------
// A throwaway cluster of one test

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn pg_sh(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/pg.sh"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/pg.sh")
}

/// A PostgreSQL cluster in a folder of its own; stopped and removed on drop.
pub(crate) struct Cluster {
    pub(crate) dir: PathBuf,
    pub(crate) port: u16,
}

impl Cluster {
    pub(crate) fn start() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let port = String::from_utf8_lossy(&pg_sh(&["free-port"]).stdout)
            .trim()
            .parse()
            .expect("a free port from scripts/pg.sh");
        let dir = scratch_dir("faults-pg");
        // As root the cluster runs as `postgres`, which must reach the folder.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .expect("chmod cluster dir");
        // From here on, dropping the guard stops and removes the cluster.
        let cluster = Self { dir, port };
        cluster.ensure();
        cluster
    }

    /// Starts the cluster (creating it the first time).
    pub(crate) fn ensure(&self) {
        let out = pg_sh(&[
            "ensure",
            &self.dir.to_string_lossy(),
            &self.port.to_string(),
        ]);
        assert!(
            out.status.success(),
            "pg.sh ensure: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub(crate) fn stop(&self) {
        let out = pg_sh(&["stop", &self.dir.to_string_lossy()]);
        assert!(
            out.status.success(),
            "pg.sh stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub(crate) fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = pg_sh(&["stop", &self.dir.to_string_lossy()]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A listener that accepts connections and never answers, like a database
/// host that hangs. Closes everything on drop.
pub(crate) struct BlackHole {
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) thread: Option<std::thread::JoinHandle<()>>,
}

impl BlackHole {
    pub(crate) fn on(port: u16) -> Self {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind the port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------
// The real binary

/// `kasar serve` as a child process with its own port and log files; killed
/// on drop if still running.
pub(crate) struct Served {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) dir: PathBuf,
}

impl Served {
    /// Starts `kasar serve` on `db_url` with `env` on top of quiet defaults.
    pub(crate) fn start(db_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let dir = scratch_dir("faults-serve");
        let out = File::create(dir.join("stdout.log")).expect("stdout file");
        let err = File::create(dir.join("stderr.log")).expect("stderr file");
        let child = Command::new(env!("CARGO_BIN_EXE_kasar"))
            .arg("serve")
            // No config/ folder there: only the built-in defaults and the environment.
            .current_dir(&dir)
            .env_remove("RUST_LOG")
            .env_remove("KASAR_ENV")
            .env("KASAR__DATABASE__URL", db_url)
            .env("KASAR__SERVER__HOST", "127.0.0.1")
            .env("KASAR__SERVER__PORT", port.to_string())
            .env("KASAR__SERVER__WORKERS", "2")
            .env("KASAR__LOG__LEVEL", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn kasar serve");
        Self { child, port, dir }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What the server wrote to stderr and stdout.
    pub(crate) fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!("{}{}", read("stderr.log"), read("stdout.log"))
    }

    /// Waits (15 s at most) until `/health` answers 200.
    pub(crate) async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let http = client(Duration::from_secs(1));
        loop {
            if let Ok((200, _)) = call(&http, "GET", &self.url("/health"), None, None).await {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("kasar serve exited with {status}: {}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "kasar serve is not healthy: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a signal (`TERM`, `INT`) with kill(1).
    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (up to `within`) for the process to exit.
    pub(crate) async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "kasar serve still running {within:?} later: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------
