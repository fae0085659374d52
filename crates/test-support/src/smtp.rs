//! A local SMTP server for email tests: `aiosmtpd` (PyPI) on a free loopback port, keeping every
//! message it accepts in a Maildir that tests read.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running sink; stopped when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (taken, then let go for the sink).
pub fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
}

impl SmtpSink {
    /// Starts a sink on `addr` (see [`free_port`]), and waits until it answers.
    pub fn start_on(addr: SocketAddr) -> SmtpSink {
        let maildir = tempfile::tempdir().expect("a temporary directory");
        // `cargo xtask test` installs aiosmtpd into a virtualenv and names its Python here.
        let python = std::env::var("SMTP_SINK_PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(addr.to_string())
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "Python runs aiosmtpd (`cargo xtask test` installs it; or pip install aiosmtpd)",
            );
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd never listened on {addr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpSink {
            addr,
            child,
            maildir,
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far, raw (RFC 5322), in no particular order.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let new: PathBuf = self.maildir.path().join("mail").join("new");
        std::fs::read_dir(new)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|entry| std::fs::read(entry.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}
