//! A live connection (`GET /api/v1/ws`) as a test client opens it: JSON messages in, JSON out.

use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// How long a test waits for a message before it fails: far beyond any delivery time, so a
/// failure means the message never comes.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// An open live connection.
#[derive(Debug)]
pub struct Live {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl TestApp {
    /// Opens the live connection with these request headers (credentials, `Origin`); the
    /// refusal's status when the server does not upgrade.
    pub async fn live_with(&self, headers: &[(&str, &str)]) -> Result<Live, u16> {
        self.live_at("", headers).await
    }

    /// [`TestApp::live_with`], with a query string (`?after=seq`).
    pub async fn live_at(&self, query: &str, headers: &[(&str, &str)]) -> Result<Live, u16> {
        let url = format!(
            "{}/api/v1/ws{query}",
            self.address.replacen("http", "ws", 1)
        );
        let mut request = url.into_client_request().expect("a WebSocket URL");
        for (name, value) in headers {
            request.headers_mut().insert(
                HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Live { socket }),
            Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(err) => panic!("the live connection fails: {err}"),
        }
    }

    /// Opens the live connection as `persona`, with their bearer token.
    pub async fn live(&self, persona: &crate::Persona) -> Live {
        let bearer = format!("Bearer {}", persona.token);
        self.live_with(&[("authorization", &bearer)])
            .await
            .expect("the live connection opens")
    }

    /// Reconnects as `persona` after the event numbered `seq` (`?after=seq`).
    pub async fn live_after(&self, persona: &crate::Persona, seq: u64) -> Live {
        let bearer = format!("Bearer {}", persona.token);
        self.live_at(&format!("?after={seq}"), &[("authorization", &bearer)])
            .await
            .expect("the live connection opens")
    }
}

impl Live {
    /// The next message the server sends, as JSON (pings are answered by the client library).
    pub async fn next(&mut self) -> Value {
        use futures_util::StreamExt;
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a live message arrives")
                .expect("the connection stays open")
                .expect("a well-formed frame");
            match message {
                Message::Text(text) => return serde_json::from_str(&text).expect("JSON"),
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
                other => panic!("unexpected live message: {other:?}"),
            }
        }
    }

    /// Waits for the server to close the connection (a close frame, or the end of the stream);
    /// fails on any other message.
    pub async fn closes(&mut self) {
        use futures_util::StreamExt;
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the server closes the connection");
            match message {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(other)) => panic!("a message instead of the close: {other:?}"),
            }
        }
    }

    /// Messages until (and with) the first whose `type` is `kind`.
    pub async fn until(&mut self, kind: &str) -> Vec<Value> {
        let mut messages = Vec::new();
        loop {
            let message = self.next().await;
            let done = message["type"] == kind;
            messages.push(message);
            if done {
                return messages;
            }
        }
    }

    /// Sends a JSON message.
    pub async fn send(&mut self, message: &Value) {
        use futures_util::SinkExt;
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("the message is sent");
    }
}
