//! A TCP proxy between the server and PostgreSQL that can stop forwarding
//! (a database that stops answering without closing anything).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy.
pub(crate) struct Proxy {
    pub(crate) port: u16,
    frozen: Arc<AtomicBool>,
}

impl Proxy {
    /// Forwards 127.0.0.1:`port` to `upstream` until the test ends.
    pub(crate) async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let frozen = Arc::new(AtomicBool::new(false));
        let flag = frozen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pump(cr, sw, flag.clone()));
                tokio::spawn(pump(sr, cw, flag.clone()));
            }
        });
        Self { port, frozen }
    }

    /// Stops (or resumes) forwarding, in both directions, on every connection.
    pub(crate) fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, Ordering::SeqCst);
    }

    /// `url` (of the cluster) through this proxy.
    pub(crate) fn url(&self, url: &str) -> String {
        let (head, rest) = url.split_once('@').expect("user@host in the URL");
        let (_, path) = rest.split_once('/').expect("a database in the URL");
        format!("{head}@127.0.0.1:{}/{path}", self.port)
    }
}

/// Copies bytes from `from` to `to`, holding them while frozen.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to
            .write_all(buf.get(..n).unwrap_or_default())
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// The `host:port` of a PostgreSQL URL.
pub(crate) fn address_of(url: &str) -> String {
    let (_, rest) = url.split_once('@').expect("user@host in the URL");
    let (address, _) = rest.split_once('/').expect("a database in the URL");
    address.to_owned()
}
