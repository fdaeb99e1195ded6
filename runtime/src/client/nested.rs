//! Collections expanded inline (`$expand=sessions`) continued from their
//! `<property>@odata.nextLink`, as the same paged stream as a top-level list.

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use super::{Client, Error};
use crate::object::Extra;
use crate::wire::Edm;

impl Client {
    /// The items of the inline collection `property` after those the response held: the pages
    /// from `<property>@odata.nextLink` in `extra` (the `extra` of the value that holds the
    /// collection), or nothing when there is no such link. The same rules as
    /// [`continue_items`](Self::continue_items): a link to another origin yields
    /// [`Error::ForeignNextLink`] and nothing is requested; each page follows the client's
    /// retry policy.
    pub fn continue_inline<T: Edm + Send>(
        &self,
        extra: &Extra,
        property: &str,
    ) -> impl Stream<Item = Result<T, Error>> + Send {
        match extra.next_link(property) {
            Some(link) => self.continue_items::<T>(link).left_stream(),
            None => stream::empty().right_stream(),
        }
    }

    /// Every item of an inline collection: `inline` (the items the response held, e.g.
    /// `record.sessions.take().unwrap_or_default()`), then those of the next pages from
    /// `<property>@odata.nextLink` in `extra` (see [`continue_inline`](Self::continue_inline)).
    ///
    /// ```no_run
    /// # async fn f(client: odata_runtime::client::Client, mut record: serde_json::Map<String, serde_json::Value>) {
    /// use futures_util::TryStreamExt;
    /// use odata_runtime::object::Extra;
    ///
    /// let extra = Extra::default(); // `record.extra` of a generated struct
    /// let inline: Vec<serde_json::Value> = Vec::new(); // `record.sessions.take().unwrap_or_default()`
    /// let all: Vec<serde_json::Value> = client.inline_items(inline, &extra, "sessions").try_collect().await.unwrap();
    /// # }
    /// ```
    pub fn inline_items<T: Edm + Send>(
        &self,
        inline: Vec<T>,
        extra: &Extra,
        property: &str,
    ) -> impl Stream<Item = Result<T, Error>> + Send {
        stream::iter(inline.into_iter().map(Ok)).chain(self.continue_inline(extra, property))
    }
}
