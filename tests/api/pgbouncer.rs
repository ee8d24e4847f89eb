//! A PgBouncer (Debian's package) in transaction mode on a free loopback
//! port, in front of the PostgreSQL of a database URL; stopped when dropped.
//! Shared by the tests and the benchmarks.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running PgBouncer.
pub(crate) struct PgBouncer {
    child: Child,
    dir: PathBuf,
    /// The URL of the same database through PgBouncer.
    pub(crate) url: String,
}

impl PgBouncer {
    /// PgBouncer in transaction mode before the server of `db_url`, opening
    /// at most `server_connections` to it. Started as root, it runs as the
    /// `postgres` user (it refuses to run as root).
    pub(crate) fn start(db_url: &str, server_connections: usize) -> Self {
        let config: tokio_postgres::Config = db_url.parse().expect("database URL");
        let pg_port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().unwrap_or("postgres").to_owned();
        let dbname = config.get_dbname().unwrap_or("postgres").to_owned();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("kasar-pgbouncer-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("pgbouncer folder");
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let run_as = if root { "user = postgres\n" } else { "" };
        let ini = format!(
            "[databases]\n* = host=127.0.0.1 port={pg_port}\n\
             [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {}\npool_mode = transaction\n\
             default_pool_size = {server_connections}\nmax_client_conn = 500\n{run_as}",
            dir.join("users.txt").display()
        );
        std::fs::write(dir.join("users.txt"), format!("\"{user}\" \"\"\n")).expect("auth file");
        std::fs::write(dir.join("pgbouncer.ini"), ini).expect("pgbouncer.ini");
        let bin = ["/usr/sbin/pgbouncer", "pgbouncer"]
            .into_iter()
            .find(|b| Command::new(b).arg("--version").output().is_ok())
            .expect("pgbouncer (Debian's pgbouncer package; .ci/run installs it)");
        let child = Command::new(bin)
            .arg(dir.join("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pgbouncer");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            dir,
            url: format!("postgres://{user}@127.0.0.1:{port}/{dbname}"),
        }
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
