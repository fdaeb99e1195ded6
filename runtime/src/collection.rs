//! Collection responses: `{"@odata.context": ..., "@odata.count": n, "@odata.nextLink": ..., "value": [...]}`,
//! and single primitive or enum values returned by operations: `{"@odata.context": ..., "value": 42}`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::object::Extra;
use crate::wire::{Edm, In, Out};

/// One page of a collection: the items, the link to the next page, the count when asked for
/// with `$count=true`, and every other annotation of the response, kept for round trips.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Collection<T> {
    /// The items of this page (`value`).
    pub value: Vec<T>,
    /// `@odata.nextLink`: where the next page is; `None` on the last page.
    pub next_link: Option<String>,
    /// `@odata.count`: the size of the whole collection, when requested.
    pub count: Option<i64>,
    /// `@odata.context`, `@odata.deltaLink` and any other member of the response.
    pub extra: Extra,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection { value: Vec::new(), next_link: None, count: None, extra: Extra::default() }
    }
}

impl<T> Collection<T> {
    /// A page holding `value`.
    pub fn new(value: Vec<T>) -> Self {
        Collection { value, ..Collection::default() }
    }
}

impl<T: Edm> Serialize for Collection<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(c) = self.extra.get("@odata.context") {
            m.serialize_entry("@odata.context", c)?;
        }
        if let Some(c) = self.count {
            m.serialize_entry("@odata.count", &c)?;
        }
        if let Some(l) = &self.next_link {
            m.serialize_entry("@odata.nextLink", l)?;
        }
        for (k, v) in self.extra.iter().filter(|(k, _)| k.starts_with('@') && *k != "@odata.context") {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("value", &Out(&self.value))?;
        for (k, v) in self.extra.iter().filter(|(k, _)| !k.starts_with('@')) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, T: Edm> Deserialize<'de> for Collection<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Edm> Visitor<'de> for V<T> {
            type Value = Collection<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OData collection response (an object with `value`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Collection::default();
                let mut seen_value = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "value" => {
                            out.value = map.next_value::<In<Vec<T>>>()?.0;
                            seen_value = true;
                        }
                        "@odata.nextLink" | "@nextLink" => out.next_link = map.next_value()?,
                        "@odata.count" | "@count" => out.count = map.next_value::<In<Option<i64>>>()?.0,
                        _ => {
                            let v: Value = map.next_value()?;
                            out.extra.insert(key, v);
                        }
                    }
                }
                if !seen_value {
                    return Err(serde::de::Error::missing_field("value"));
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<T: Edm> Edm for Collection<T> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

/// A single primitive or enum value returned by a function or action, e.g. the count a
/// function returns: the value and every annotation of the response.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Single<T> {
    /// The value (`value`).
    pub value: T,
    /// `@odata.context` and any other member of the response.
    pub extra: Extra,
}

impl<T> Single<T> {
    /// A response holding `value`.
    pub fn new(value: T) -> Self {
        Single { value, extra: Extra::default() }
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Edm> Serialize for Single<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (k, v) in self.extra.iter().filter(|(k, _)| k.starts_with('@')) {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("value", &Out(&self.value))?;
        for (k, v) in self.extra.iter().filter(|(k, _)| !k.starts_with('@')) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, T: Edm> Deserialize<'de> for Single<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Edm> Visitor<'de> for V<T> {
            type Value = Single<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OData single-value response (an object with `value`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut value = None;
                let mut extra = Extra::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "value" && value.is_none() {
                        value = Some(map.next_value::<In<T>>()?.0);
                    } else {
                        let v: Value = map.next_value()?;
                        extra.insert(key, v);
                    }
                }
                let value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(Single { value, extra })
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<T: Edm> Edm for Single<T> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_value_round_trips_with_its_annotations() {
        let text = r#"{"@odata.context":"c","value":"PT1M"}"#;
        let one: Single<crate::edm::Duration> = serde_json::from_str(text).unwrap();
        assert_eq!(one.value.to_string(), "PT1M");
        assert_eq!(serde_json::to_string(&one).unwrap(), text);
        let n: Single<i64> = serde_json::from_str(r#"{"value":"42"}"#).unwrap();
        assert_eq!(n.into_inner(), 42);
        assert!(serde_json::from_str::<Single<i64>>(r#"{"x":1}"#).is_err());
        assert!(serde_json::from_str::<Single<i64>>("null").is_err());
    }

    #[test]
    fn a_page_round_trips_with_its_annotations() {
        let text = r#"{"@odata.context":"c","@odata.count":2,"@odata.nextLink":"n","value":[1,"2"],"x":true}"#;
        let page: Collection<i64> = serde_json::from_str(text).unwrap();
        assert_eq!(page.value, [1, 2]);
        assert_eq!(page.next_link.as_deref(), Some("n"));
        assert_eq!(page.count, Some(2));
        let back = serde_json::to_string(&page).unwrap();
        assert_eq!(back, r#"{"@odata.context":"c","@odata.count":2,"@odata.nextLink":"n","value":[1,2],"x":true}"#);
        assert!(serde_json::from_str::<Collection<i64>>(r#"{"x":1}"#).is_err());
    }
}
