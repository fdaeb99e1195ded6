//! A loopback HTTP/1.1 server for fault tests: each connection carries one request, which is
//! read whole (headers, and a `Content-Length` or chunked body), counted, and answered the way
//! the test's handler says: bytes written as they are, a stall, a body cut off, or a large
//! body generated on the fly. Nothing here is shaped by the client under test; it speaks raw
//! bytes, so it can send what no well-behaved server would.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body's length (its bytes are counted, not kept).
    pub body_len: u64,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How to answer one request.
pub enum Reply {
    /// These bytes, then the connection is closed.
    Raw(Vec<u8>),
    /// These bytes (headers, maybe part of a body), then nothing, the connection held open.
    Stall(Vec<u8>),
    /// A head, then `total` bytes of body in chunks of `chunk`, with `gap` between chunks.
    Generate { head: Vec<u8>, total: u64, chunk: usize, gap: Duration },
}

impl Reply {
    /// A complete response with `Content-Length`.
    pub fn full(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut out = head(status, headers);
        out.splice(out.len() - 2..out.len() - 2, format!("Content-Length: {}\r\n", body.len()).into_bytes());
        out.extend_from_slice(body);
        Reply::Raw(out)
    }

    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::full(status, &[("Content-Type", "application/json")], body.as_bytes())
    }
}

/// A status line and headers, ending with the blank line (`Connection: close` added).
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Status\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

/// A running server; dropped with the test's runtime.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    count: Arc<AtomicUsize>,
    /// Body bytes written by `Reply::Generate` replies.
    pub generated: Arc<AtomicU64>,
}

impl Server {
    /// Starts a server answering the `n`th request (from 0) with `handler(n, request)`.
    pub async fn start(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let server = Server {
            addr: listener.local_addr().expect("address"),
            seen: Arc::default(),
            count: Arc::default(),
            generated: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let state = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (state, handler) = (state.clone(), handler.clone());
                tokio::spawn(async move {
                    let _ = state.serve(socket, &*handler).await;
                });
            }
        });
        server
    }

    /// The service root URL.
    pub fn url(&self) -> String {
        format!("http://{}/svc", self.addr)
    }

    /// How many requests arrived (read whole).
    pub fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// The requests read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    async fn serve(&self, socket: TcpStream, handler: &Handler) -> std::io::Result<()> {
        let mut reader = BufReader::new(socket);
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        let mut parts = line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
        let mut headers = Vec::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let mut seen = Seen { method, path, headers, body_len: 0 };
        seen.body_len = read_body(&mut reader, &seen).await?;
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(seen.clone());
        let mut socket = reader.into_inner();
        match handler(n, &seen) {
            Reply::Raw(bytes) => {
                socket.write_all(&bytes).await?;
                socket.shutdown().await?;
            }
            Reply::Stall(bytes) => {
                socket.write_all(&bytes).await?;
                socket.flush().await?;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Reply::Generate { head, total, chunk, gap } => {
                socket.write_all(&head).await?;
                let block = vec![b'x'; chunk];
                let mut left = total;
                while left > 0 {
                    let n = left.min(chunk as u64) as usize;
                    socket.write_all(&block[..n]).await?;
                    self.generated.fetch_add(n as u64, Ordering::Relaxed);
                    left -= n as u64;
                    if !gap.is_zero() {
                        tokio::time::sleep(gap).await;
                    }
                }
                socket.shutdown().await?;
            }
        }
        Ok(())
    }
}

/// Reads and counts a request body: `Content-Length` bytes, or chunks.
async fn read_body(reader: &mut BufReader<TcpStream>, seen: &Seen) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    if let Some(len) = seen.header("content-length").and_then(|v| v.parse::<u64>().ok()) {
        let mut left = len;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let n = reader.read(&mut buf[..want]).await?;
            if n == 0 {
                break;
            }
            left -= n as u64;
        }
        return Ok(len - left);
    }
    if !seen.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        return Ok(0);
    }
    let mut total = 0;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let size = u64::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        let mut left = size;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let n = reader.read(&mut buf[..want]).await?;
            if n == 0 {
                return Ok(total);
            }
            left -= n as u64;
            total += n as u64;
        }
        line.clear();
        reader.read_line(&mut line).await?; // the CRLF after the chunk
        if size == 0 {
            return Ok(total);
        }
    }
}
