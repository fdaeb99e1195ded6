//! [`Extra`]: what a structure received beyond its declared, non-null properties.

use serde_json::{Map, Value};

/// The `@odata.type` control-information key.
pub(crate) const TYPE_KEY: &str = "@odata.type";
/// The OData 4.01 short form of [`TYPE_KEY`].
pub(crate) const TYPE_KEY_SHORT: &str = "@type";
/// The `@odata.context` control-information key.
pub(crate) const CONTEXT_KEY: &str = "@odata.context";
/// The OData 4.01 short form of [`CONTEXT_KEY`].
pub(crate) const CONTEXT_KEY_SHORT: &str = "@context";

/// Whether `key` names the type of the object (`@odata.type`, or `@type` in OData 4.01).
pub(crate) fn is_type_key(key: &str) -> bool {
    key == TYPE_KEY || key == TYPE_KEY_SHORT
}

/// Whether `key` names the context URL of the object.
pub(crate) fn is_context_key(key: &str) -> bool {
    key == CONTEXT_KEY || key == CONTEXT_KEY_SHORT
}

/// Unknown properties, instance annotations (`@odata.type`, `sessions@odata.nextLink`, ...)
/// and the names of declared properties that arrived as JSON `null`.
///
/// Every generated structure has an `extra: Extra` field, so that reading and writing back a
/// payload loses nothing the schema did not describe: a newer service's new properties, and
/// annotations, are kept here as [`serde_json::Value`]s. Declared properties that arrived
/// as `null` are `None` in their field and recorded here, so they are written back as `null`
/// rather than left out.
///
/// ```
/// use odata_runtime::object::Extra;
/// use serde_json::json;
///
/// let mut extra = Extra::default();
/// extra.insert("@odata.type".into(), json!("#microsoft.graph.user"));
/// extra.mark_null("displayName");
/// assert_eq!(extra.odata_type(), Some("microsoft.graph.user"));
/// assert!(extra.is_null("displayName"));
/// assert_eq!(extra.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    properties: Map<String, Value>,
    /// Sorted, without duplicates.
    nulls: Vec<&'static str>,
}

impl Extra {
    /// An empty `Extra`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps a property or annotation; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.properties.insert(key, value)
    }

    /// The value kept under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.properties.get(key)
    }

    /// The value kept under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.properties.get_mut(key)
    }

    /// Removes and returns the value kept under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.properties.remove(key)
    }

    /// The kept properties and annotations, in key order (insertion order when serde_json's
    /// `preserve_order` feature is on).
    pub fn iter(&self) -> serde_json::map::Iter<'_> {
        self.properties.iter()
    }

    /// The kept properties and annotations as a map.
    pub fn properties(&self) -> &Map<String, Value> {
        &self.properties
    }

    /// The number of kept properties and annotations (null marks are not counted).
    pub fn len(&self) -> usize {
        self.properties.len()
    }

    /// Whether no property or annotation is kept (null marks are not considered).
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    /// The value of `@odata.type` (or OData 4.01 `@type`) without its leading `#`, e.g.
    /// `"microsoft.graph.callRecords.participantEndpoint"`.
    pub fn odata_type(&self) -> Option<&str> {
        let value = self.get(TYPE_KEY).or_else(|| self.get(TYPE_KEY_SHORT))?;
        value.as_str().map(|s| s.strip_prefix('#').unwrap_or(s))
    }

    /// The next link of the collection `property` expanded inline: the value of
    /// `<property>@odata.nextLink` (or OData 4.01 `<property>@nextLink`), e.g. of `sessions` in
    /// a call record read with `$expand=sessions`.
    ///
    /// ```
    /// use odata_runtime::object::Extra;
    ///
    /// let mut extra = Extra::default();
    /// extra.insert("sessions@odata.nextLink".into(), "https://graph.microsoft.com/beta/x?$skiptoken=2".into());
    /// assert_eq!(extra.next_link("sessions"), Some("https://graph.microsoft.com/beta/x?$skiptoken=2"));
    /// assert_eq!(extra.next_link("segments"), None);
    /// ```
    pub fn next_link(&self, property: &str) -> Option<&str> {
        let long = format!("{property}@odata.nextLink");
        let short = format!("{property}@nextLink");
        self.get(&long).or_else(|| self.get(&short)).and_then(Value::as_str)
    }

    /// Sets `@odata.type` to `#name` (`name` may already start with `#`), replacing `@type`.
    pub fn set_odata_type(&mut self, name: &str) {
        self.properties.remove(TYPE_KEY_SHORT);
        let value = if name.starts_with('#') { name.to_owned() } else { format!("#{name}") };
        self.properties.insert(TYPE_KEY.to_owned(), Value::String(value));
    }

    /// Records that the declared property `name` arrived as `null`.
    pub fn mark_null(&mut self, name: &'static str) {
        if let Err(at) = self.nulls.binary_search(&name) {
            self.nulls.insert(at, name);
        }
    }

    /// Whether the declared property `name` arrived as `null`.
    pub fn is_null(&self, name: &str) -> bool {
        self.nulls.binary_search(&name).is_ok()
    }

    /// Forgets that `name` arrived as `null` (it is then left out when written while `None`).
    pub fn clear_null(&mut self, name: &str) {
        if let Ok(at) = self.nulls.binary_search(&name) {
            self.nulls.remove(at);
        }
    }

    /// The declared properties that arrived as `null`, sorted.
    pub fn nulls(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.nulls.iter().copied()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.properties.iter()
    }
}
