//! The production topology on loopback: Debian's nginx in front of several app instances, with
//! the deployment's own `docker/nginx.conf` (its upstream and listen lines pointed at this
//! machine's ports), so the tests exercise the configuration that ships.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running nginx, stopped when dropped.
#[derive(Debug)]
pub struct Nginx {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The deployment's nginx configuration, as shipped.
fn shipped_config() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docker/nginx.conf");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{} is readable: {err}", path.display()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

impl Nginx {
    /// Starts nginx in front of the apps at `addresses` (`http://host:port`, round robin), on a
    /// free loopback port.
    pub async fn in_front_of(addresses: &[&str]) -> Nginx {
        let binary = std::env::var("NGINX_PATH").unwrap_or_else(|_| "/usr/sbin/nginx".into());
        assert!(
            Path::new(&binary).exists(),
            "nginx is missing at {binary}: `apt-get install nginx` (bash .ci/run installs it)"
        );
        let port = free_port();
        let servers: String = addresses
            .iter()
            .map(|address| {
                let host = address.trim_start_matches("http://");
                format!("    server {host};\n")
            })
            .collect();
        let shipped = shipped_config();
        let upstream_start = shipped
            .find("upstream coaching_hub {")
            .expect("the shipped config has the upstream");
        let upstream_end = upstream_start
            + shipped[upstream_start..]
                .find('}')
                .expect("the upstream block ends");
        // The shipped upstream's servers are swapped for these instances; its other lines
        // (keep-alive) stay.
        let kept: String = shipped[upstream_start..upstream_end]
            .lines()
            .skip(1)
            .filter(|line| !line.trim_start().starts_with("server "))
            .map(|line| format!("{line}\n"))
            .collect();
        let site = format!(
            "{}upstream coaching_hub {{\n{servers}{kept}{}",
            &shipped[..upstream_start],
            &shipped[upstream_end..]
        )
        .replacen("listen 80;", &format!("listen 127.0.0.1:{port};"), 1);
        assert!(site.contains(&format!("listen 127.0.0.1:{port};")));

        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        std::fs::write(root.join("site.conf"), site).expect("the site is written");
        let temp = |name: &str| -> PathBuf { root.join(name) };
        let main = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\n\
             error_log {log} warn;\nevents {{ worker_connections 4096; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {body};\n  \
             proxy_temp_path {proxy};\n  fastcgi_temp_path {fastcgi};\n  uwsgi_temp_path {uwsgi};\n  \
             scgi_temp_path {scgi};\n  include {site};\n}}\n",
            pid = temp("nginx.pid").display(),
            log = temp("error.log").display(),
            body = temp("body").display(),
            proxy = temp("proxy").display(),
            fastcgi = temp("fastcgi").display(),
            uwsgi = temp("uwsgi").display(),
            scgi = temp("scgi").display(),
            site = temp("site.conf").display(),
        );
        std::fs::write(root.join("nginx.conf"), main).expect("the config is written");
        let child = Command::new(&binary)
            .arg("-p")
            .arg(root)
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx listens on {port}: {}",
                std::fs::read_to_string(root.join("error.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Nginx {
            address: format!("http://127.0.0.1:{port}"),
            child,
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
