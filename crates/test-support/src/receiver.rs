//! A webhook receiver on loopback: it keeps every request it reads (headers and body) and
//! answers as the test says: accept (204), fail (500), or never answer.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// How the receiver answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// `204 No Content`.
    Accept,
    /// `500 Internal Server Error`.
    Fail,
    /// Reads the request and never answers.
    Hang,
}

/// One request the receiver read.
#[derive(Clone, Debug)]
pub struct Received {
    /// Header names (lower case) and values.
    pub headers: HashMap<String, String>,
    /// The body as sent.
    pub body: String,
}

impl Received {
    /// A header's value, or `""`.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// The receiver; it serves until the test ends.
#[derive(Clone, Debug)]
pub struct Receiver {
    /// Where it listens.
    pub addr: SocketAddr,
    answer: Arc<Mutex<Answer>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Starts a receiver answering `answer`.
    pub async fn start(answer: Answer) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let receiver = Receiver {
            addr: listener.local_addr().expect("bound"),
            answer: Arc::new(Mutex::new(answer)),
            received: Arc::default(),
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let serving = serving.clone();
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    let Some(request) = read(&mut stream).await else {
                        return;
                    };
                    let answer = *serving.answer.lock().expect("not poisoned");
                    serving.received.lock().expect("not poisoned").push(request);
                    let status = match answer {
                        Answer::Accept => "204 No Content",
                        Answer::Fail => "500 Internal Server Error",
                        Answer::Hang => {
                            std::future::pending::<()>().await;
                            return;
                        }
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = stream.get_mut().write_all(head.as_bytes()).await;
                });
            }
        });
        receiver
    }

    /// `http://127.0.0.1:PORT/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Answers `answer` from now on.
    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().expect("not poisoned") = answer;
    }

    /// Every request read so far, in the order read.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("not poisoned").clone()
    }
}

/// One HTTP/1.1 request: its headers and its `content-length` body.
async fn read(stream: &mut BufReader<tokio::net::TcpStream>) -> Option<Received> {
    let mut line = String::new();
    stream.read_line(&mut line).await.ok()?;
    let mut headers = HashMap::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await.ok()?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(Received {
        headers,
        body: String::from_utf8(body).ok()?,
    })
}
