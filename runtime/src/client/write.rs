//! Writes: the body of a create, update or replace, the entity tag it carries, and the
//! `Prefer: return=...` preference.
//!
//! An entity read from the service keeps its `@odata.etag` in `extra`; writing it back through
//! [`Request::entity`](super::Request::entity) sends that tag as `If-Match` (optimistic
//! concurrency: the service answers `412 Precondition Failed`,
//! [`Error::is_precondition_failed`](super::Error::is_precondition_failed), when the entity
//! changed since it was read) and leaves the control information out of the body.
//!
//! Which properties a `PATCH` sends: those that are set (`Some`), and those marked null
//! (`extra.mark_null("name")`, also every property that arrived as `null`); a property left
//! `None` is not sent and keeps its value on the service.

use http::{HeaderValue, Method};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Body, Client, Download, Error, Request, Stream};

/// A media resource: the content of a stream property (`Attachments(..)/content`) or of a media
/// entity (`Photos(..)/$value`), read and written with a media type: as bytes in memory
/// ([`get`](Self::get), [`put`](Self::put)) or as streams of any size in constant memory
/// ([`download`](Self::download), [`put_stream`](Self::put_stream)).
#[derive(Clone)]
pub struct Media {
    client: Client,
    path: String,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Media {
    /// The media resource at `path` below the service root (already percent-encoded).
    pub fn new(client: &Client, path: String) -> Self {
        Media { client: client.clone(), path }
    }

    /// The path below the service root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `GET` the content: its bytes and `Content-Type` ([`Stream`]), any media type
    /// (`Accept: */*`); a service with no content answers 204, read as empty bytes.
    pub fn get(&self) -> Request<Stream> {
        Request::new(&self.client, Method::GET, self.path.clone())
            .header(http::header::ACCEPT, HeaderValue::from_static("*/*"))
    }

    /// `PUT` new content with its media type (`content_type`, e.g. `text/plain`). A media type
    /// that cannot be a header value is reported by [`Request::build`].
    pub fn put(&self, content_type: &str, bytes: Vec<u8>) -> Request<()> {
        self.put_with(content_type, |request, v| request.raw_body(v, bytes))
    }

    /// `GET` the content as a [`Download`]: read chunk by chunk as it arrives, with its media
    /// type ([`Download::content_type`]), under the transport's limit between reads rather
    /// than its limit for a whole request.
    pub async fn download(&self) -> Result<Download, Error> {
        self.get().download().await
    }

    /// `PUT` new content read from `body` while it is sent ([`Body::from_stream`], with its
    /// length when known), with its media type. The request is sent once (a stream cannot be
    /// sent again); its answer, any 2xx, is success.
    pub fn put_stream(&self, content_type: &str, body: Body) -> Request<()> {
        self.put_with(content_type, |request, v| request.body_stream(v, body))
    }

    /// A `PUT` whose body `set` gives with the media type as a header value; a media type
    /// that cannot be one is reported by [`Request::build`].
    fn put_with(&self, content_type: &str, set: impl FnOnce(Request<()>, HeaderValue) -> Request<()>) -> Request<()> {
        let request = Request::new(&self.client, Method::PUT, self.path.clone());
        match HeaderValue::try_from(content_type) {
            Ok(v) => set(request, v),
            Err(_) => request.with_error(format!("the media type {content_type:?} cannot be a header value")),
        }
    }

    /// `DELETE` the content.
    pub fn delete(&self) -> Request<()> {
        Request::new(&self.client, Method::DELETE, self.path.clone())
    }
}

/// What the service should answer a create, update or replace with (`Prefer: return=...`,
/// OData 4.0 section 8.2.8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnPreference {
    /// `return=representation`: the entity as stored (200 or 201 with a body).
    Representation,
    /// `return=minimal`: no body (204); the written request returns `None`.
    Minimal,
}

impl ReturnPreference {
    /// The preference as written in the `Prefer` header.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnPreference::Representation => "return=representation",
            ReturnPreference::Minimal => "return=minimal",
        }
    }
}

/// The `@odata.etag` of a value as read from the service (kept in the `extra` of a generated
/// type), if it has one.
///
/// ```
/// let v = serde_json::json!({"ID": 1, "@odata.etag": "W/\"1\""});
/// assert_eq!(odata_runtime::client::etag_of(&v).as_deref(), Some("W/\"1\""));
/// ```
pub fn etag_of<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        Value::Object(mut map) => match map.remove("@odata.etag") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Control information a service sends with an entity that a write does not send back: the
/// context, ids and links, entity and media tags, counts and next links (`@odata.type` stays:
/// it names the derived type of a value).
fn is_read_only_annotation(key: &str) -> bool {
    const OWN: [&str; 7] = [
        "@odata.context",
        "@odata.etag",
        "@odata.id",
        "@odata.editLink",
        "@odata.readLink",
        "@odata.metadataEtag",
        "@odata.removed",
    ];
    const SUFFIXES: [&str; 9] = [
        "@odata.navigationLink",
        "@odata.associationLink",
        "@odata.mediaReadLink",
        "@odata.mediaEditLink",
        "@odata.mediaEtag",
        "@odata.count",
        "@odata.nextLink",
        "@odata.deltaLink",
        "@odata.context",
    ];
    OWN.contains(&key) || (!key.starts_with('@') && SUFFIXES.iter().any(|s| key.ends_with(s)))
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().filter(|k| is_read_only_annotation(k)).cloned().collect();
            for k in keys {
                map.remove(&k);
            }
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The JSON body of a write of `value`, and its `@odata.etag` (taken out of the body).
pub(crate) fn entity_body<T: Serialize + ?Sized>(value: &T) -> Result<(Vec<u8>, Option<String>), String> {
    let mut v = serde_json::to_value(value).map_err(|e| format!("cannot serialize the body: {e}"))?;
    let tag = match &mut v {
        Value::Object(map) => take_etag(map),
        _ => None,
    };
    strip(&mut v);
    let bytes = serde_json::to_vec(&v).map_err(|e| format!("cannot serialize the body: {e}"))?;
    Ok((bytes, tag))
}

fn take_etag(map: &mut Map<String, Value>) -> Option<String> {
    match map.remove("@odata.etag") {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_information_is_left_out_and_the_tag_taken() {
        let v = serde_json::json!({
            "@odata.context": "$metadata#Orders/$entity",
            "@odata.etag": "W/\"x\"",
            "@odata.type": "#Ns.Order",
            "ID": 1,
            "note": null,
            "items@odata.context": "x",
            "items": [{"@odata.etag": "W/\"y\"", "n": 1}],
            "content@odata.mediaContentType": "text/plain",
        });
        let (body, tag) = entity_body(&v).unwrap();
        assert_eq!(tag.as_deref(), Some("W/\"x\""));
        let back: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"@odata.type": "#Ns.Order", "ID": 1, "note": null, "items": [{"n": 1}],
                "content@odata.mediaContentType": "text/plain"})
        );
        assert_eq!(etag_of(&serde_json::json!([1])), None);
    }
}
