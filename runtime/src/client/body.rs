//! Bodies that need not fit in memory: a request [`Body`] held as bytes or streamed, and the
//! [`ResponseBody`] a [`Transport`](super::Transport) hands over chunk by chunk.
//!
//! The client reads JSON answers through [`ResponseBody::collect`] with the client's size limit
//! ([`ClientBuilder::max_response_size`](super::ClientBuilder::max_response_size)); media and
//! `Edm.Stream` results can be read as a [`Download`] instead, in constant memory.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;

use super::{Error, TransportError};

/// A stream of byte chunks, as a request or response body carries it.
pub type ByteStream<E> = Pin<Box<dyn Stream<Item = Result<Bytes, E>> + Send>>;

/// The body of a request: bytes in memory, which can be sent again when a request is retried,
/// or a stream, which is read once while it is sent (so such a request is never retried).
pub enum Body {
    /// The whole body.
    Bytes(Vec<u8>),
    /// A body read while it is sent, with its length when known (sent as `Content-Length`,
    /// else the body goes chunked).
    Stream {
        /// The chunks; an error ends the request with a transport error.
        stream: ByteStream<std::io::Error>,
        /// The length in bytes, when known.
        length: Option<u64>,
    },
}

impl Body {
    /// A streamed body from any stream of chunks.
    pub fn from_stream<S, B>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<B, std::io::Error>> + Send + 'static,
        B: Into<Bytes>,
    {
        Body::Stream { stream: Box::pin(stream.map(|chunk| chunk.map(Into::into))), length }
    }

    /// The bytes of a body held in memory; `None` for a stream.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Body::Bytes(bytes) => Some(bytes),
            Body::Stream { .. } => None,
        }
    }

    /// Reads the whole body into memory (a stream to its end).
    pub async fn into_bytes(self) -> Result<Vec<u8>, TransportError> {
        match self {
            Body::Bytes(bytes) => Ok(bytes),
            Body::Stream { mut stream, length } => {
                let mut out =
                    Vec::with_capacity(length.and_then(|n| usize::try_from(n).ok()).unwrap_or(0).min(1 << 20));
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| TransportError::from_source(e).with_not_sent(true))?;
                    out.extend_from_slice(&chunk);
                }
                Ok(out)
            }
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::Bytes(Vec::new())
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::Bytes(bytes)
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Bytes(bytes) => f.debug_tuple("Bytes").field(&bytes.len()).finish(),
            Body::Stream { length, .. } => f.debug_struct("Stream").field("length", length).finish_non_exhaustive(),
        }
    }
}

/// Set in a request's extensions when its response body is read as a stream ([`Download`]):
/// a transport applies no limit to the whole exchange then, only its limit between reads, so
/// a large body is not cut off. `ReqwestTransport` honours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamedResponse;

/// The body of a response, chunk by chunk as it arrives.
pub struct ResponseBody {
    stream: ByteStream<TransportError>,
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody").finish_non_exhaustive()
    }
}

impl ResponseBody {
    /// A body from a stream of chunks.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, TransportError>> + Send + 'static,
    {
        ResponseBody { stream: Box::pin(stream) }
    }

    /// A body already in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let chunk = (!bytes.is_empty()).then(|| Ok(Bytes::from(bytes)));
        ResponseBody::from_stream(futures_util::stream::iter(chunk))
    }

    /// The next chunk, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, TransportError>> {
        self.stream.next().await
    }

    /// Reads the body to its end, failing with [`Error::ResponseTooLarge`] as soon as it
    /// exceeds `limit` bytes (`None`: no limit). `status` is the response's, for the error.
    pub async fn collect(mut self, limit: Option<usize>, status: http::StatusCode) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        while let Some(chunk) = self.stream.next().await {
            let chunk = chunk?;
            if let Some(limit) = limit {
                if out.len().saturating_add(chunk.len()) > limit {
                    return Err(Error::ResponseTooLarge { status: status.as_u16(), limit });
                }
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// Reads at most `limit` bytes of the body (for an error message), dropping the rest.
    pub(crate) async fn prefix(mut self, limit: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(Ok(chunk)) = self.stream.next().await {
            let room = limit.saturating_sub(out.len());
            out.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
            if out.len() >= limit {
                break;
            }
        }
        out
    }
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }
}

/// A 2xx response whose body is read as it arrives: a media resource, an `Edm.Stream` result,
/// any large answer. Memory stays constant whatever the size; the transport's limit between
/// reads applies, not its limit for a whole exchange.
///
/// It is a [`Stream`] of chunks; [`next_chunk`](Self::next_chunk) reads without a stream
/// combinator crate.
pub struct Download {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: ResponseBody,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(response: http::Response<ResponseBody>) -> Self {
        let (parts, body) = response.into_parts();
        Download { status: parts.status, headers: parts.headers, body }
    }

    /// The status (2xx).
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// `Content-Type`, the media type of the content, when the service sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// `Content-Length`, when the service sent one (absent when the body comes compressed or
    /// chunked).
    pub fn content_length(&self) -> Option<u64> {
        self.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
    }

    /// The next chunk of the body, `None` at its end. A broken connection or a stalled one
    /// (longer than the transport's limit between reads) is an [`Error::Transport`].
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        self.body.next_chunk().await.map(|chunk| chunk.map_err(Error::Transport))
    }

    /// The body as a [`ResponseBody`], e.g. to pass on.
    pub fn into_body(self) -> ResponseBody {
        self.body
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.body).poll_next(cx).map(|chunk| chunk.map(|c| c.map_err(Error::Transport)))
    }
}
