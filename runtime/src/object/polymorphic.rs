//! Polymorphic dispatch: choosing the concrete structure of an object by its `@odata.type`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::extra::is_type_key;
use super::{fill_into, Structure};
use crate::wire::{KeyCow, RAW_VALUE_TOKEN};

/// Implemented by generated enums over a type hierarchy (`AnyEndpoint { Endpoint(..),
/// ParticipantEndpoint(..), .., Other(Endpoint) }`) to choose a variant from the type name.
///
/// [`deserialize_polymorphic`] reads the type name and calls [`Polymorphic::decode`] with it
/// (without the leading `#`; `None` when the object has no `@odata.type`) and with a [`Rest`]
/// that reads the remaining properties into whichever [`Structure`] the variant holds. The
/// generated impl is one `match` (see the [module docs](super) for a complete example):
///
/// ```text
/// fn decode<'de, A: MapAccess<'de>>(type_name: Option<&str>, rest: Rest<'_, A>) -> Result<Self, A::Error> {
///     Ok(match type_name {
///         None | Some("microsoft.graph.callRecords.endpoint") => Self::Endpoint(rest.finish()?),
///         Some("microsoft.graph.callRecords.participantEndpoint") => Self::ParticipantEndpoint(rest.finish()?),
///         Some(_) => Self::Other(rest.finish()?),
///     })
/// }
/// ```
///
/// `decode` must call [`Rest::finish`] exactly once, and is generic over the lifetime and the
/// map so that both the streaming and the buffered path can use it.
pub trait Polymorphic: Sized {
    /// Builds the variant for `type_name` from `rest`.
    fn decode<'de, A: MapAccess<'de>>(type_name: Option<&str>, rest: Rest<'_, A>) -> Result<Self, A::Error>;
}

/// The not yet consumed part of an object being decoded polymorphically.
pub struct Rest<'r, A> {
    map: A,
    /// The type entry already read from `map` (streaming path), to be kept in `extra`.
    type_entry: Option<(&'r str, &'r Value)>,
}

impl<A> Rest<'_, A> {
    /// Reads the remaining properties into a new `T`. Declared properties go to their fields,
    /// everything else (including `@odata.type`) into `T`'s [`Extra`](super::Extra).
    pub fn finish<'de, T: Structure>(self) -> Result<T, A::Error>
    where
        A: MapAccess<'de>,
    {
        let mut value = T::default();
        if let Some((key, type_value)) = self.type_entry {
            value.extra_mut().insert(key.to_owned(), type_value.clone());
        }
        fill_into(&mut value, self.map)?;
        Ok(value)
    }
}

impl<A> fmt::Debug for Rest<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rest").field("type_entry", &self.type_entry).finish_non_exhaustive()
    }
}

#[doc(hidden)]
/// Reads an object whose concrete type is chosen by its `@odata.type`.
///
/// Fast path: when the first key is `@odata.type` (as OData services write it), its value is
/// read and the rest of the object streams straight into the chosen structure. Otherwise the
/// object is buffered entry by entry as raw JSON text, the type is looked up among the
/// entries, and the chosen structure is read from the buffer; buffering keeps each value's
/// exact text, so decimals stay exact on this path too. With deserializers other than
/// serde_json's (`serde_json::Deserializer`, `serde_json::Value`), the buffered path goes
/// through [`serde_json::Value`].
///
/// `@type` (the OData 4.01 short form) is recognized like `@odata.type`. A non-string type
/// value counts as no type and is kept in `extra` as it came.
pub fn deserialize_polymorphic<'de, D: Deserializer<'de>, P: Polymorphic>(d: D) -> Result<P, D::Error> {
    d.deserialize_map(PolymorphicVisitor(PhantomData))
}

struct PolymorphicVisitor<P>(PhantomData<P>);

impl<'de, P: Polymorphic> Visitor<'de> for PolymorphicVisitor<P> {
    type Value = P;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OData object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P, A::Error> {
        let Some(KeyCow(first)) = map.next_key::<KeyCow<'de>>()? else {
            return P::decode(None, Rest { map, type_entry: None });
        };
        if is_type_key(&first) {
            let type_value: Value = map.next_value()?;
            let type_name = type_value.as_str().map(|s| s.strip_prefix('#').unwrap_or(s));
            return P::decode(type_name, Rest { map, type_entry: Some((&*first, &type_value)) });
        }

        let mut entries: Vec<(String, RawJson)> = Vec::new();
        entries.push((first.into_owned(), map.next_value()?));
        while let Some(KeyCow(key)) = map.next_key::<KeyCow<'de>>()? {
            entries.push((key.into_owned(), map.next_value()?));
        }
        let type_value: Option<String> = entries
            .iter()
            .rev()
            .find(|(key, _)| is_type_key(key))
            .and_then(|(_, raw)| serde_json::from_str::<String>(&raw.0).ok());
        let type_name = type_value.as_deref().map(|s| s.strip_prefix('#').unwrap_or(s));
        let buffered = BufferedMap { entries: entries.iter(), value: None, error: PhantomData::<A::Error> };
        P::decode(type_name, Rest { map: buffered, type_entry: None })
    }
}

/// The exact JSON text of one buffered value.
struct RawJson(String);

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawJsonVisitor)
    }
}

fn via_value(v: Value) -> RawJson {
    RawJson(v.to_string())
}

/// Takes serde_json's raw text when offered, and otherwise rebuilds the text from a `Value`.
struct RawJsonVisitor;

impl<'de> Visitor<'de> for RawJsonVisitor {
    type Value = RawJson;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawJson, A::Error> {
        let Some(KeyCow(first)) = map.next_key::<KeyCow<'de>>()? else {
            return Ok(RawJson("{}".to_owned()));
        };
        if first == RAW_VALUE_TOKEN {
            let KeyCow(raw) = map.next_value()?;
            return Ok(RawJson(raw.into_owned()));
        }
        // A real object, from a deserializer that treats newtype structs as transparent.
        let mut object = Map::new();
        object.insert(first.into_owned(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(via_value(Value::Object(object)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawJson, D::Error> {
        Value::deserialize(d).map(via_value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawJson, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(via_value)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawJson, D::Error> {
        Value::deserialize(d).map(via_value)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawJson, E> {
        Ok(via_value(Value::Null))
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawJson, E> {
        Ok(via_value(Value::Null))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawJson, E> {
        Ok(via_value(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawJson, E> {
        Ok(via_value(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawJson, E> {
        Ok(via_value(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawJson, E> {
        Ok(via_value(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawJson, E> {
        Ok(via_value(Value::from(v)))
    }
}

/// A `MapAccess` over buffered entries; each value is read from its raw text by serde_json.
struct BufferedMap<'a, E> {
    entries: std::slice::Iter<'a, (String, RawJson)>,
    /// The key and raw value of the entry whose key was read last.
    value: Option<(&'a str, &'a str)>,
    error: PhantomData<E>,
}

impl<'a, E: de::Error> MapAccess<'a> for BufferedMap<'a, E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        match self.entries.next() {
            Some((key, raw)) => {
                self.value = Some((key, &raw.0));
                seed.deserialize(BorrowedStrDeserializer::<E>::new(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, E> {
        let (key, raw) = self.value.take().ok_or_else(|| E::custom("a map value was requested before its key"))?;
        let mut de = serde_json::Deserializer::from_str(raw);
        let value = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
        value.map_err(|e| E::custom(format_args!("property {key:?}: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
