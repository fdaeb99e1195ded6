//! Paging: a collection request as a stream of pages or of items, following `@odata.nextLink`.

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, Uri};

use super::request::{decode, sanitize_link};
use super::{Client, Error, Origin, Request};
use crate::collection::Collection;
use crate::wire::Edm;

enum Step {
    Send(http::Request<Vec<u8>>),
    Fail(Error),
    Done,
}

impl<T: Edm + Send, F> Request<Collection<T>, F> {
    /// The pages of the collection: this request's response first, then each
    /// `@odata.nextLink` in turn, until a page has none.
    ///
    /// Next pages are fetched with `GET` and the same headers as this request (the client's
    /// defaults merged with this request's, credentials added anew for each page), but not its
    /// query options: the link carries them. A link may be absolute or relative to the base URL.
    ///
    /// A link to another scheme, host or port than the base URL is not followed: the stream
    /// yields [`Error::ForeignNextLink`] after the last page it could read, then ends. So does
    /// any other error (after it, the stream ends). A link equal to the URL just read ends the
    /// stream with [`Error::Request`] rather than looping.
    ///
    /// Each page's request follows the request's [`RetryPolicy`](super::RetryPolicy) on its own (the client's
    /// unless set): a throttled page is fetched again after the wait, without starting over.
    pub fn pages(self) -> impl Stream<Item = Result<Collection<T>, Error>> + Send {
        let client = self.client().clone();
        let policy = self.effective_retry_policy().clone();
        let first = match self.build() {
            Ok(request) => Step::Send(request),
            Err(e) => Step::Fail(e),
        };
        stream::unfold((client, policy, first), |(client, policy, step)| async move {
            match step {
                Step::Done => None,
                Step::Fail(e) => Some((Err(e), (client, policy, Step::Done))),
                Step::Send(request) => {
                    let current = request.uri().clone();
                    let mut headers = request.headers().clone();
                    let page = match client.send_http_with(request, &policy).await {
                        Ok(response) => decode::<Collection<T>>(response),
                        Err(e) => Err(e),
                    };
                    match page {
                        Err(e) => Some((Err(e), (client, policy, Step::Done))),
                        Ok(page) => {
                            let next = match &page.next_link {
                                None => Step::Done,
                                Some(link) => {
                                    headers.remove(AUTHORIZATION);
                                    headers.remove(CONTENT_TYPE);
                                    headers.remove(CONTENT_LENGTH);
                                    match next_request(&client, link, &current, headers) {
                                        Ok(request) => Step::Send(request),
                                        Err(e) => Step::Fail(e),
                                    }
                                }
                            };
                            Some((Ok(page), (client, policy, next)))
                        }
                    }
                }
            }
        })
    }

    /// The items of all pages, in order (see [`pages`](Self::pages)); an error ends the stream.
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send {
        self.pages().map_ok(|page| stream::iter(page.value.into_iter().map(Ok::<T, Error>))).try_flatten()
    }

    /// All items of all pages, collected (see [`pages`](Self::pages)).
    pub async fn collect_all(self) -> Result<Vec<T>, Error> {
        self.items().try_collect().await
    }
}

impl Client {
    /// The remaining pages of a collection from its `@odata.nextLink`, e.g. the
    /// `<navigation>@odata.nextLink` of a collection expanded inline: the same stream as
    /// [`Request::pages`], with the same origin rule (a link to another origin yields
    /// [`Error::ForeignNextLink`] and nothing is requested) and the client's retry policy.
    /// Shorthand for `Request::from_next_link(self, next_link).pages()`.
    pub fn continue_pages<T: Edm + Send>(
        &self,
        next_link: &str,
    ) -> impl Stream<Item = Result<Collection<T>, Error>> + Send {
        Request::<Collection<T>>::from_next_link(self, next_link).pages()
    }

    /// The items of the remaining pages from `next_link` (see
    /// [`continue_pages`](Self::continue_pages)).
    pub fn continue_items<T: Edm + Send>(&self, next_link: &str) -> impl Stream<Item = Result<T, Error>> + Send {
        Request::<Collection<T>>::from_next_link(self, next_link).items()
    }
}

/// The request for a next page, or why it is not made.
fn next_request(
    client: &Client,
    link: &str,
    current: &Uri,
    headers: HeaderMap,
) -> Result<http::Request<Vec<u8>>, Error> {
    let url = resolve(client, link);
    let uri: Uri = url.parse().map_err(|e| Error::InvalidUrl(format!("@odata.nextLink {link:?}: {e}")))?;
    let Some(origin) = Origin::of(&uri) else {
        return Err(Error::InvalidUrl(format!("@odata.nextLink {link:?}: not an absolute http or https URL")));
    };
    if origin != client.inner.origin {
        return Err(Error::ForeignNextLink { url: link.to_owned() });
    }
    if uri == *current {
        return Err(Error::Request(format!("@odata.nextLink repeats the page just read: {link}")));
    }
    let mut request = http::Request::builder()
        .method(Method::GET)
        .uri(uri)
        .body(Vec::new())
        .map_err(|e| Error::InvalidUrl(format!("@odata.nextLink {link:?}: {e}")))?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// An absolute link as is; `/path` on the base URL's origin; anything else below the base URL.
pub(crate) fn resolve(client: &Client, link: &str) -> String {
    let link = sanitize_link(link);
    let has_scheme = link.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        return link;
    }
    let base = client.base_url();
    if let Some(rest) = link.strip_prefix("//") {
        // Scheme-relative: another host, checked (and refused) by the caller.
        let scheme = base.split_once(':').map_or("https", |(s, _)| s);
        return format!("{scheme}://{rest}");
    }
    if link.starts_with('/') {
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let origin_end = base.get(after_scheme..).and_then(|r| r.find('/')).map_or(base.len(), |i| after_scheme + i);
        return format!("{}{}", base.get(..origin_end).unwrap_or(base), link);
    }
    format!("{base}/{link}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{BoxFuture, Transport, TransportError};

    struct Never;
    impl Transport for Never {
        fn send(&self, _: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
            Box::pin(async { Err(TransportError::new("never")) })
        }
    }

    #[test]
    fn links_resolve_against_the_base_url() {
        let client = Client::builder("https://h:8443/v1.0/").transport(Never).build().unwrap();
        assert_eq!(resolve(&client, "https://x/y"), "https://x/y");
        assert_eq!(resolve(&client, "/v1.0/a?b"), "https://h:8443/v1.0/a?b");
        assert_eq!(resolve(&client, "a?b"), "https://h:8443/v1.0/a?b");
        assert_eq!(resolve(&client, "//evil/a"), "https://evil/a");
        let current: Uri = "https://h:8443/v1.0/a".parse().unwrap();
        let foreign = next_request(&client, "https://h:8444/v1.0/a?p=2", &current, HeaderMap::new());
        assert!(matches!(foreign, Err(Error::ForeignNextLink { .. })));
        let foreign = next_request(&client, "http://h:8443/v1.0/a?p=2", &current, HeaderMap::new());
        assert!(matches!(foreign, Err(Error::ForeignNextLink { .. })));
        let same = next_request(&client, "https://H:8443/v1.0/a", &current, HeaderMap::new());
        assert!(matches!(same, Err(Error::Request(_))));
        assert!(next_request(&client, "https://h:8443/v1.0/a?p=2", &current, HeaderMap::new()).is_ok());
    }
}
