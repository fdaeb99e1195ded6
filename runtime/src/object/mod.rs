//! Structured values: the [`Structure`] trait of generated structs, the unknown data they keep
//! ([`Extra`]), their (de)serialization, and polymorphic dispatch on `@odata.type`.
//!
//! A generated struct has one `Option` field per declared property plus `extra: Extra`, and
//! implements [`Structure`] with two `match`/list bodies; [`impl_structure_serde!`](crate::impl_structure_serde) then
//! gives it serde and [`Edm`] impls. A type hierarchy becomes an enum implementing
//! [`Polymorphic`]. The helpers the generated bodies call (`read_field`, `write_field`,
//! `serialize_structure`, ...) are reached through the hidden module
//! [`odata_runtime::__private`](crate::__private): they are not API for hand-written code and
//! may change in any release. The complete shape of generated code:
//!
//! ```
//! use odata_runtime::__private as object;
//! use odata_runtime::object::{Extra, Polymorphic, Rest, Structure};
//! use odata_runtime::serde::de::MapAccess;
//! use odata_runtime::serde::ser::SerializeMap;
//! use odata_runtime::serde::{Deserialize, Deserializer, Serialize, Serializer};
//!
//! // entity/complex type `endpoint`
//! #[derive(Debug, Clone, Default, PartialEq)]
//! pub struct Endpoint {
//!     pub user_agent: Option<String>,
//!     pub extra: Extra,
//! }
//!
//! impl Structure for Endpoint {
//!     const TYPE_NAME: &'static str = "microsoft.graph.callRecords.endpoint";
//!     fn set_field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
//!         match key {
//!             "userAgent" => object::read_field(map, &mut self.user_agent, &mut self.extra, "userAgent")?,
//!             _ => return Ok(false),
//!         }
//!         Ok(true)
//!     }
//!     fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
//!         object::write_field(map, "userAgent", &self.user_agent, &self.extra)?;
//!         Ok(())
//!     }
//!     fn extra(&self) -> &Extra { &self.extra }
//!     fn extra_mut(&mut self) -> &mut Extra { &mut self.extra }
//! }
//! odata_runtime::impl_structure_serde!(Endpoint);
//!
//! // derived type `participantEndpoint`: inherited properties are repeated
//! #[derive(Debug, Clone, Default, PartialEq)]
//! pub struct ParticipantEndpoint {
//!     pub user_agent: Option<String>,
//!     pub cpu_cores_count: Option<i32>,
//!     pub extra: Extra,
//! }
//!
//! impl Structure for ParticipantEndpoint {
//!     const TYPE_NAME: &'static str = "microsoft.graph.callRecords.participantEndpoint";
//!     fn set_field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
//!         match key {
//!             "userAgent" => object::read_field(map, &mut self.user_agent, &mut self.extra, "userAgent")?,
//!             "cpuCoresCount" => object::read_field(map, &mut self.cpu_cores_count, &mut self.extra, "cpuCoresCount")?,
//!             _ => return Ok(false),
//!         }
//!         Ok(true)
//!     }
//!     fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
//!         object::write_field(map, "userAgent", &self.user_agent, &self.extra)?;
//!         object::write_field(map, "cpuCoresCount", &self.cpu_cores_count, &self.extra)?;
//!         Ok(())
//!     }
//!     fn extra(&self) -> &Extra { &self.extra }
//!     fn extra_mut(&mut self) -> &mut Extra { &mut self.extra }
//! }
//! odata_runtime::impl_structure_serde!(ParticipantEndpoint);
//!
//! // a property typed `endpoint` may hold any type of the hierarchy
//! #[derive(Debug, Clone, PartialEq)]
//! pub enum AnyEndpoint {
//!     Endpoint(Endpoint),
//!     ParticipantEndpoint(ParticipantEndpoint),
//!     /// A type this crate does not know; its `@odata.type` stays in `extra`.
//!     Other(Endpoint),
//! }
//!
//! impl Polymorphic for AnyEndpoint {
//!     fn decode<'de, A: MapAccess<'de>>(type_name: Option<&str>, rest: Rest<'_, A>) -> Result<Self, A::Error> {
//!         Ok(match type_name {
//!             None | Some("microsoft.graph.callRecords.endpoint") => Self::Endpoint(rest.finish()?),
//!             Some("microsoft.graph.callRecords.participantEndpoint") => Self::ParticipantEndpoint(rest.finish()?),
//!             Some(_) => Self::Other(rest.finish()?),
//!         })
//!     }
//! }
//!
//! impl<'de> Deserialize<'de> for AnyEndpoint {
//!     fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         object::deserialize_polymorphic(d)
//!     }
//! }
//!
//! impl Serialize for AnyEndpoint {
//!     fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         match self {
//!             Self::Endpoint(v) => object::serialize_structure(v, None, s),
//!             Self::ParticipantEndpoint(v) => object::serialize_typed(v, s),
//!             Self::Other(v) => object::serialize_structure(v, None, s),
//!         }
//!     }
//! }
//! odata_runtime::impl_edm_via_serde!(AnyEndpoint);
//!
//! let json = r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","userAgent":null,"cpuCoresCount":8,"x":1}"##;
//! let any: AnyEndpoint = serde_json::from_str(json).unwrap();
//! let AnyEndpoint::ParticipantEndpoint(p) = &any else { panic!("wrong variant: {any:?}") };
//! assert_eq!(p.cpu_cores_count, Some(8));
//! assert_eq!(p.extra.get("x"), Some(&serde_json::json!(1)));
//! assert_eq!(serde_json::to_string(&any).unwrap(), json);
//! ```

//! # Why a trait of its own instead of `#[derive(Serialize, Deserialize)]`
//!
//! Serde's derive cannot give the promises the model crates make, or not without cost:
//!
//! - **Streaming `@odata.type` dispatch.** A polymorphic property is read by looking at
//!   `@odata.type` and handing the rest of the same map to the chosen type
//!   ([`Polymorphic::decode`] with a [`Rest`]). `#[serde(tag = "@odata.type")]` buffers the
//!   whole object into serde's private `Content` first, fails when the tag is missing (OData
//!   omits it for the declared type) and cannot fall back to the base type for unknown names.
//! - **Null tracking.** A property that arrived as `null` is written back as `null` and an
//!   absent one is not written; `Option` alone cannot tell them apart, so
//!   [`Structure::set_field`] records nulls in [`Extra`] as it reads.
//! - **Ordered extra.** Unknown properties and instance annotations are kept in arrival order
//!   and written in OData's order (context, type, annotations, declared properties, unknown
//!   properties); `#[serde(flatten)]` buffers every entry of the object, declared or not, into
//!   `Content` and then re-parses it, which is slower and loses the order.
//! - **Exact decimals and OData number forms.** Every value goes through [`Edm`]: `Edm.Decimal`
//!   from the raw JSON text (no `f64` on the way), Int64 and Decimal also as strings,
//!   `"NaN"`/`"INF"` for doubles. Through `flatten`, serde_json hands numbers over as `f64`
//!   already, so the exact digits would be gone.
//!
//! The trait is two generated `match`/list bodies per type, so the generated code stays small
//! and the wire logic lives here, tested once.

mod extra;
mod polymorphic;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::wire::{Edm, In, KeyCow, Out};
pub use extra::Extra;
use extra::{is_context_key, is_type_key, CONTEXT_KEY, CONTEXT_KEY_SHORT, TYPE_KEY, TYPE_KEY_SHORT};
pub use polymorphic::{deserialize_polymorphic, Polymorphic, Rest};

/// Implemented by generated structs (entity and complex types).
///
/// Every declared property is an `Option` field; what the schema does not declare is kept in
/// an [`Extra`] field. See the [module docs](self) for a complete generated struct.
pub trait Structure: Default {
    /// Qualified OData type name, e.g. `"microsoft.graph.callRecords.session"`.
    const TYPE_NAME: &'static str;

    /// Sets the field named `key` from the map's next value (normally via [`read_field`]) and
    /// returns `Ok(true)`; returns `Ok(false)` without reading the value when `key` is not a
    /// declared property (the caller then keeps it in [`Extra`]).
    fn set_field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Writes every declared field with [`write_field`]: the `Some` ones, and the `None` ones
    /// that [`Extra`] records as having arrived as `null` (as `null`).
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// The unknown data kept with this value.
    fn extra(&self) -> &Extra;

    /// The unknown data kept with this value, mutably.
    fn extra_mut(&mut self) -> &mut Extra;
}

#[doc(hidden)]
/// Reads one declared property into `slot`; a JSON `null` sets `None` and records `name` as
/// null in `extra`, any other value clears that record.
pub fn read_field<'de, A: MapAccess<'de>, T: Edm>(
    map: &mut A,
    slot: &mut Option<T>,
    extra: &mut Extra,
    name: &'static str,
) -> Result<(), A::Error> {
    let In(value) = map.next_value::<In<Option<T>>>()?;
    if value.is_some() {
        extra.clear_null(name);
    } else {
        extra.mark_null(name);
    }
    *slot = value;
    Ok(())
}

#[doc(hidden)]
/// Writes one declared property: `Some(v)` as `v`, `None` as `null` when `extra` records that
/// it arrived as `null`, and otherwise nothing.
pub fn write_field<M: SerializeMap, T: Edm>(
    map: &mut M,
    name: &str,
    slot: &Option<T>,
    extra: &Extra,
) -> Result<(), M::Error> {
    match slot {
        Some(value) => map.serialize_entry(name, &Out(value)),
        None if extra.is_null(name) => map.serialize_entry(name, &None::<()>),
        None => Ok(()),
    }
}

#[doc(hidden)]
/// Reads the remaining entries of `map` into `value`: declared properties through
/// [`Structure::set_field`], everything else into its [`Extra`] as [`serde_json::Value`].
/// For repeated keys the last one wins. Unknown data never causes an error.
pub fn fill_into<'de, A: MapAccess<'de>, T: Structure>(value: &mut T, mut map: A) -> Result<(), A::Error> {
    while let Some(KeyCow(key)) = map.next_key::<KeyCow<'de>>()? {
        if !value.set_field(&key, &mut map)? {
            let unknown: Value = map.next_value()?;
            value.extra_mut().insert(key.into_owned(), unknown);
        }
    }
    Ok(())
}

#[doc(hidden)]
/// Reads a new `T` from the remaining entries of `map` (see [`fill_into`]).
pub fn fill_structure<'de, A: MapAccess<'de>, T: Structure>(map: A) -> Result<T, A::Error> {
    let mut value = T::default();
    fill_into(&mut value, map)?;
    Ok(value)
}

#[doc(hidden)]
/// Reads a new `T` from a map whose `@odata.type` entry was already consumed: stores
/// `type_value` (as received, e.g. `"#microsoft.graph.user"`) under `@odata.type` in `extra`,
/// then reads the remaining entries.
pub fn fill_structure_after_type<'de, A: MapAccess<'de>, T: Structure>(
    map: A,
    type_value: String,
) -> Result<T, A::Error> {
    let mut value = T::default();
    value.extra_mut().insert(TYPE_KEY.to_owned(), Value::String(type_value));
    fill_into(&mut value, map)?;
    Ok(value)
}

struct StructureVisitor<T>(PhantomData<T>);

impl<'de, T: Structure> Visitor<'de> for StructureVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object of type {}", T::TYPE_NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        fill_structure(map)
    }
}

#[doc(hidden)]
/// Deserializes a structure from a JSON object (generated `Deserialize` impls call this).
/// Unknown keys go to [`Extra`]; repeated keys: the last wins; unknown data never fails.
pub fn deserialize_structure<'de, D: Deserializer<'de>, T: Structure>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(StructureVisitor(PhantomData))
}

/// Writes `#name` for a type name given with or without its `#`.
struct HashName<'a>(&'a str);

impl Serialize for HashName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.starts_with('#') {
            s.serialize_str(self.0)
        } else {
            s.collect_str(&format_args!("#{}", self.0))
        }
    }
}

#[doc(hidden)]
/// Serializes a structure as a JSON object.
///
/// Order: `@odata.context`, then `@odata.type` (from `extra`, or else `odata_type` when
/// given, with or without its `#`), then the other keys of `extra` that contain `@` (instance
/// annotations such as `@odata.etag` and property annotations such as
/// `sessions@odata.nextLink`), then the declared fields ([`Structure::write_fields`]), then
/// the remaining keys of `extra` (unknown properties).
///
/// `extra` should not hold keys that are declared properties: they would be written twice.
pub fn serialize_structure<S: Serializer, T: Structure>(
    value: &T,
    odata_type: Option<&str>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let extra = value.extra();
    let mut map = s.serialize_map(None)?;
    for key in [CONTEXT_KEY, CONTEXT_KEY_SHORT] {
        if let Some(v) = extra.get(key) {
            map.serialize_entry(key, v)?;
        }
    }
    let mut has_type = false;
    for key in [TYPE_KEY, TYPE_KEY_SHORT] {
        if let Some(v) = extra.get(key) {
            map.serialize_entry(key, v)?;
            has_type = true;
        }
    }
    if let (false, Some(name)) = (has_type, odata_type) {
        map.serialize_entry(TYPE_KEY, &HashName(name))?;
    }
    for (key, v) in extra {
        if key.contains('@') && !is_context_key(key) && !is_type_key(key) {
            map.serialize_entry(key, v)?;
        }
    }
    value.write_fields(&mut map)?;
    for (key, v) in extra {
        if !key.contains('@') {
            map.serialize_entry(key, v)?;
        }
    }
    map.end()
}

#[doc(hidden)]
/// Serializes a structure with `@odata.type` set to `#T::TYPE_NAME` unless `extra` has one:
/// `serialize_structure(value, Some(T::TYPE_NAME), s)`. Generated polymorphic enums use it for
/// the variants of derived types.
pub fn serialize_typed<S: Serializer, T: Structure>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    serialize_structure(value, Some(T::TYPE_NAME), s)
}

#[doc(hidden)]
/// Implements `serde::Serialize`, `serde::Deserialize` and [`Edm`](crate::wire::Edm) for
/// types implementing [`Structure`](crate::object::Structure), through
/// [`serialize_structure`](crate::object::serialize_structure) (without a default
/// `@odata.type`) and [`deserialize_structure`](crate::object::deserialize_structure).
///
/// Generated code writes `odata_runtime::impl_structure_serde!(Session);`. Several types may
/// be listed, separated by commas.
#[macro_export]
macro_rules! impl_structure_serde {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::serde::Serialize for $ty {
                fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    $crate::object::serialize_structure(self, ::core::option::Option::None, s)
                }
            }
            impl<'de> $crate::serde::Deserialize<'de> for $ty {
                fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    $crate::object::deserialize_structure(d)
                }
            }
            $crate::impl_edm_via_serde!($ty);
        )+
    };
}
