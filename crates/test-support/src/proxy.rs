//! A TCP proxy that tests can cut and restore, to see how the app behaves when its database or
//! Redis goes away and comes back: cutting drops every open connection and refuses new ones, as a
//! stopped server would.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards a local port to `upstream` until [`ChaosProxy::cut`].
#[derive(Debug)]
pub struct ChaosProxy {
    /// The local address to connect to instead of the upstream.
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    cut: watch::Sender<bool>,
}

impl ChaosProxy {
    /// Starts forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr) -> ChaosProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound");
        let up = Arc::new(AtomicBool::new(true));
        let (cut, cut_rx) = watch::channel(false);
        let accepting = up.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut_rx = cut_rx.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut client, mut server) = (client, server);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut_rx.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        ChaosProxy { addr, up, cut }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        let _ = self.cut.send(true);
    }

    /// Accepts connections again, as a restarted server would.
    pub fn restore(&self) {
        let _ = self.cut.send(false);
        self.up.store(true, Ordering::SeqCst);
    }
}
