//! Structured values: the [`Structure`] trait of generated structs, the unknown data they keep
//! ([`Extra`]), their (de)serialization, and polymorphic dispatch on `@odata.type`.
//!
//! A generated struct has one `Option` field per declared property plus `extra: Extra`, and
//! implements [`Structure`]: a table of the properties' wire names and two `match`es that say
//! which field an index names; [`impl_structure_serde!`](crate::impl_structure_serde) then
//! gives it serde and [`Edm`] impls. Finding a key, null tracking, the order of what is
//! written and [`Extra`] are the runtime's, written once here. A type hierarchy becomes an
//! enum implementing [`Polymorphic`]. The helpers the generated bodies call (`read`, `write`,
//! `serialize_structure`, ...) are reached through the hidden module
//! [`odata_runtime::__private`](crate::__private): they are not API for hand-written code and
//! may change in any release. The complete shape of generated code:
//!
//! ```
//! use odata_runtime::__private as object;
//! use odata_runtime::object::{Extra, Polymorphic, Read, Rest, Structure};
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
//!     const FIELDS: &'static [&'static str] = &["userAgent"];
//!     const BY_NAME: &'static [u32] = &[0];
//!     fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<Read, A::Error> {
//!         use object::read;
//!         match index {
//!             0 => read(map, &mut self.user_agent),
//!             _ => object::undeclared(),
//!         }
//!     }
//!     fn write_field<M: SerializeMap>(&self, index: usize, key: &'static str, map: &mut M) -> Result<bool, M::Error> {
//!         use object::write;
//!         match index {
//!             0 => write(map, key, &self.user_agent),
//!             _ => Ok(false),
//!         }
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
//!     const FIELDS: &'static [&'static str] = &["userAgent", "cpuCoresCount"];
//!     // shorter names first: "userAgent", then "cpuCoresCount"
//!     const BY_NAME: &'static [u32] = &[0, 1];
//!     fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<Read, A::Error> {
//!         use object::read;
//!         match index {
//!             0 => read(map, &mut self.user_agent),
//!             1 => read(map, &mut self.cpu_cores_count),
//!             _ => object::undeclared(),
//!         }
//!     }
//!     fn write_field<M: SerializeMap>(&self, index: usize, key: &'static str, map: &mut M) -> Result<bool, M::Error> {
//!         use object::write;
//!         match index {
//!             0 => write(map, key, &self.user_agent),
//!             1 => write(map, key, &self.cpu_cores_count),
//!             _ => Ok(false),
//!         }
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
//!   the runtime records nulls in [`Extra`] as it reads ([`Read::Null`]).
//! - **Ordered extra.** Unknown properties and instance annotations are kept in arrival order
//!   and written in OData's order (context, type, annotations, declared properties, unknown
//!   properties); `#[serde(flatten)]` buffers every entry of the object, declared or not, into
//!   `Content` and then re-parses it, which is slower and loses the order.
//! - **Exact decimals and OData number forms.** Every value goes through [`Edm`]: `Edm.Decimal`
//!   from the raw JSON text (no `f64` on the way), Int64 and Decimal also as strings,
//!   `"NaN"`/`"INF"` for doubles. Through `flatten`, serde_json hands numbers over as `f64`
//!   already, so the exact digits would be gone.
//!
//! The trait is a table of names and two one-line-per-field `match`es per type, so the
//! generated code stays small and cheap to compile, and the wire logic lives here, tested once.

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

/// What [`Structure::read_field`] did with a property's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The value was read into its field.
    Value,
    /// The value was `null`: the field is `None` and the property is recorded as null.
    Null,
    /// No field has this index in this build (a property compiled out by a cargo feature):
    /// nothing was read, and the caller keeps the value in [`Extra`].
    Undeclared,
}

/// Implemented by generated structs (entity and complex types).
///
/// Every declared property is an `Option` field; what the schema does not declare is kept in
/// an [`Extra`] field. A property is known by its index in [`FIELDS`](Structure::FIELDS): the
/// runtime finds the index of a key, and the generated code only says which field an index
/// names, once for reading and once for writing. See the [module docs](self) for a complete
/// generated struct.
pub trait Structure: Default {
    /// Qualified OData type name, e.g. `"microsoft.graph.callRecords.session"`.
    const TYPE_NAME: &'static str;

    /// The wire names of the declared properties, in the order they are written (inherited
    /// properties first). A property's position here is its index.
    const FIELDS: &'static [&'static str];

    /// The indices of [`FIELDS`](Structure::FIELDS) ordered by the length of the wire name,
    /// then by its bytes ([`by_length_then_bytes`]), so a
    /// key is found by binary search in which most steps compare lengths only.
    const BY_NAME: &'static [u32];

    /// Reads the map's next value into the field of property `index` (normally via
    /// [`read`]). The default, for a type without fields, reads nothing and returns
    /// [`Read::Undeclared`].
    fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<Read, A::Error> {
        let _ = (index, map);
        Ok(Read::Undeclared)
    }

    /// Writes the field of property `index` under `key` (its wire name) when it is `Some`
    /// (normally via [`write`]); returns whether it wrote an entry. The default, for a type
    /// without fields, writes nothing.
    fn write_field<M: SerializeMap>(&self, index: usize, key: &'static str, map: &mut M) -> Result<bool, M::Error> {
        let _ = (index, key, map);
        Ok(false)
    }

    /// The unknown data kept with this value.
    fn extra(&self) -> &Extra;

    /// The unknown data kept with this value, mutably.
    fn extra_mut(&mut self) -> &mut Extra;
}

#[doc(hidden)]
/// Reads one declared property's value into `slot`: [`Read::Null`] for a JSON `null`,
/// [`Read::Value`] otherwise.
#[inline]
pub fn read<'de, A: MapAccess<'de>, T: Edm>(map: &mut A, slot: &mut Option<T>) -> Result<Read, A::Error> {
    let In(value) = map.next_value::<In<Option<T>>>()?;
    let read = if value.is_some() { Read::Value } else { Read::Null };
    *slot = value;
    Ok(read)
}

#[doc(hidden)]
/// Writes one declared property when it is `Some`; returns whether it wrote an entry.
#[inline]
pub fn write<M: SerializeMap, T: Edm>(map: &mut M, key: &str, slot: &Option<T>) -> Result<bool, M::Error> {
    match slot {
        Some(value) => map.serialize_entry(key, &Out(value)).map(|()| true),
        None => Ok(false),
    }
}

#[doc(hidden)]
/// What a generated `read_field` answers for an index no field has in this build.
#[inline]
pub fn undeclared<E>() -> Result<Read, E> {
    Ok(Read::Undeclared)
}

/// The order of the `BY_NAME` tables of structures and enumerations: shorter names first, names
/// of the same length by their bytes.
pub fn by_length_then_bytes(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Whether `by_name` is a `BY_NAME` table of `names`: every index of `names` once, ordered by
/// [`by_length_then_bytes`] of their names. The macros that implement [`Structure`] and
/// [`EnumMember`](crate::enums::EnumMember) check their tables with it at compile time, so a
/// table in another order (which would send declared properties to [`Extra`]) does not build.
#[allow(clippy::indexing_slicing)] // `get` is not const; every index is below its length here.
pub const fn is_by_name_table(names: &[&str], by_name: &[u32]) -> bool {
    if names.len() != by_name.len() {
        return false;
    }
    // In range and strictly increasing: so no index twice, and with the lengths equal, each
    // index once.
    let mut i = 0;
    while i < by_name.len() {
        if by_name[i] as usize >= names.len() {
            return false;
        }
        if i > 0 && !name_before(names[by_name[i - 1] as usize], names[by_name[i] as usize]) {
            return false;
        }
        i += 1;
    }
    true
}

/// `a` before `b` in [`by_length_then_bytes`] order, strictly, at compile time.
#[allow(clippy::indexing_slicing)] // `get` is not const; `i` is below both lengths.
const fn name_before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return a.len() < b.len();
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    false
}

/// The index of the property named `key`: a binary search of `by_name` (indices of `fields`
/// ordered by name). One copy for every structure.
fn field_index(fields: &[&'static str], by_name: &[u32], key: &str) -> Option<(usize, &'static str)> {
    let name = |i: u32| usize::try_from(i).ok().and_then(|i| fields.get(i)).copied().unwrap_or_default();
    let at = by_name.binary_search_by(|&i| by_length_then_bytes(name(i), key)).ok()?;
    let index = by_name.get(at).copied()?;
    Some((usize::try_from(index).ok()?, name(index)))
}

#[doc(hidden)]
/// Reads the remaining entries of `map` into `value`: declared properties through
/// [`Structure::read_field`] (a `null` is recorded in [`Extra`], any other value clears that
/// record), everything else into its [`Extra`] as [`serde_json::Value`]. For repeated keys the
/// last one wins. Unknown data never causes an error.
pub fn fill_into<'de, A: MapAccess<'de>, T: Structure>(value: &mut T, mut map: A) -> Result<(), A::Error> {
    while let Some(KeyCow(key)) = map.next_key::<KeyCow<'de>>()? {
        if let Some((index, name)) = field_index(T::FIELDS, T::BY_NAME, &key) {
            match value.read_field(index, &mut map)? {
                Read::Value => {
                    value.extra_mut().clear_null(name);
                    continue;
                }
                Read::Null => {
                    value.extra_mut().mark_null(name);
                    continue;
                }
                Read::Undeclared => {}
            }
        }
        let unknown: Value = map.next_value()?;
        value.extra_mut().insert(key.into_owned(), unknown);
    }
    Ok(())
}

#[doc(hidden)]
/// Writes every declared field of `value` ([`Structure::write_field`]): the `Some` ones, and
/// as `null` the `None` ones that [`Extra`] records as having arrived as `null`.
pub fn write_fields<M: SerializeMap, T: Structure>(value: &T, map: &mut M) -> Result<(), M::Error> {
    let extra = value.extra();
    for (index, &key) in T::FIELDS.iter().enumerate() {
        if !value.write_field(index, key, map)? && extra.is_null(key) {
            map.serialize_entry(key, &None::<()>)?;
        }
    }
    Ok(())
}

#[doc(hidden)]
/// `Debug` for a structure, written once here instead of derived per type: the Rust type
/// name, then each declared property that is set (or arrived as `null`) under its wire name
/// with its value as OData JSON (what [`serialize_structure`] writes), then `extra`.
///
/// `{:#?}` pretty-prints the JSON values too.
pub fn debug_structure<T: Structure>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let name = std::any::type_name::<T>();
    let name = name.rsplit("::").next().unwrap_or(name);
    let mut entries = DebugEntries { fields: f.debug_struct(name) };
    write_fields(value, &mut entries).map_err(|DebugError| fmt::Error)?;
    entries.fields.field("extra", value.extra()).finish()
}

/// A `SerializeMap` that hands each entry to a `DebugStruct`, its value as JSON text.
struct DebugEntries<'a, 'b> {
    fields: fmt::DebugStruct<'a, 'b>,
}

/// JSON text shown by `Debug` (compact, or indented under `{:#?}`).
struct JsonText(Value);

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

#[derive(Debug)]
struct DebugError;

impl fmt::Display for DebugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value could not be shown")
    }
}

impl std::error::Error for DebugError {}

impl serde::ser::Error for DebugError {
    fn custom<M: fmt::Display>(_: M) -> Self {
        DebugError
    }
}

impl SerializeMap for DebugEntries<'_, '_> {
    type Ok = ();
    type Error = DebugError;

    fn serialize_key<K: ?Sized + Serialize>(&mut self, _: &K) -> Result<(), DebugError> {
        Err(DebugError)
    }

    fn serialize_value<V: ?Sized + Serialize>(&mut self, _: &V) -> Result<(), DebugError> {
        Err(DebugError)
    }

    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), DebugError> {
        let Ok(Value::String(key)) = serde_json::to_value(key) else { return Err(DebugError) };
        // A value serde_json cannot represent is shown by its error rather than failing `Debug`.
        let text = serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("<{e}>")));
        self.fields.field(&key, &JsonText(text));
        Ok(())
    }

    fn end(self) -> Result<(), DebugError> {
        Ok(())
    }
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
/// `sessions@odata.nextLink`), then the declared fields ([`write_fields`]), then
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
    write_fields(value, &mut map)?;
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

#[doc(hidden)]
/// Implements [`Structure`](crate::object::Structure), serde, [`Edm`](crate::wire::Edm),
/// `Default` (every field `None`) and `Debug` (through
/// [`debug_structure`](crate::object::debug_structure)) for a generated struct from the list of its fields: each one's
/// index, Rust name and wire name, optionally behind `#[cfg(...)]` attributes. The second
/// list is [`Structure::BY_NAME`](crate::object::Structure::BY_NAME).
///
/// ```
/// #[derive(Clone, PartialEq)]
/// pub struct Endpoint {
///     pub user_agent: Option<String>,
///     pub r#type: Option<String>,
///     pub extra: odata_runtime::object::Extra,
/// }
/// odata_runtime::__private::impl_structure!(
///     Endpoint, "microsoft.graph.callRecords.endpoint", extra,
///     [0 user_agent "userAgent", 1 r#type "type"],
///     [1, 0]
/// );
///
/// let e: Endpoint = serde_json::from_str(r#"{"type":"pc","userAgent":null}"#).unwrap();
/// assert_eq!(e.r#type.as_deref(), Some("pc"));
/// assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"userAgent":null,"type":"pc"}"#);
/// assert_eq!(
///     format!("{e:?}"),
///     r#"Endpoint { userAgent: null, type: "pc", extra: Extra { properties: {}, nulls: ["userAgent"] } }"#
/// );
/// ```
///
/// The `BY_NAME` list is checked at compile time ([`is_by_name_table`](crate::object::is_by_name_table)):
/// one in another order than the runtime searches does not build.
///
/// ```compile_fail
/// # #[derive(Clone, PartialEq)]
/// # pub struct Endpoint { pub user_agent: Option<String>, pub r#type: Option<String>, pub extra: odata_runtime::object::Extra }
/// odata_runtime::__private::impl_structure!(
///     Endpoint, "microsoft.graph.callRecords.endpoint", extra,
///     [0 user_agent "userAgent", 1 r#type "type"],
///     [0, 1]
/// );
/// ```
#[macro_export]
macro_rules! impl_structure {
    (
        $ty:ident, $name:literal, $extra:ident,
        [$($(#[$cfg:meta])* $index:literal $field:ident $wire:literal),* $(,)?],
        [$($by:literal),* $(,)?] $(,)?
    ) => {
        const _: () = ::core::assert!(
            $crate::object::is_by_name_table(&[$($wire),*], &[$($by),*]),
            "a BY_NAME table is not every field once in the runtime's order (by_length_then_bytes)"
        );
        impl $crate::object::Structure for $ty {
            const TYPE_NAME: &'static str = $name;
            const FIELDS: &'static [&'static str] = &[$($wire),*];
            const BY_NAME: &'static [u32] = &[$($by),*];

            #[allow(unused_variables, clippy::match_single_binding)]
            fn read_field<'de, A: $crate::serde::de::MapAccess<'de>>(
                &mut self,
                index: usize,
                map: &mut A,
            ) -> ::core::result::Result<$crate::object::Read, A::Error> {
                match index {
                    $($(#[$cfg])* $index => $crate::object::read(map, &mut self.$field),)*
                    _ => ::core::result::Result::Ok($crate::object::Read::Undeclared),
                }
            }

            #[allow(unused_variables, clippy::match_single_binding)]
            fn write_field<M: $crate::serde::ser::SerializeMap>(
                &self,
                index: usize,
                key: &'static str,
                map: &mut M,
            ) -> ::core::result::Result<bool, M::Error> {
                match index {
                    $($(#[$cfg])* $index => $crate::object::write(map, key, &self.$field),)*
                    _ => ::core::result::Result::Ok(false),
                }
            }

            fn extra(&self) -> &$crate::object::Extra {
                &self.$extra
            }

            fn extra_mut(&mut self) -> &mut $crate::object::Extra {
                &mut self.$extra
            }
        }
        impl ::core::fmt::Debug for $ty {
            // Inline: compiled where it is used, not for every type of the model crate.
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::object::debug_structure(self, f)
            }
        }
        impl ::core::default::Default for $ty {
            /// Every property absent (`None`), nothing in `extra`.
            #[inline]
            fn default() -> Self {
                $ty {
                    $($(#[$cfg])* $field: ::core::option::Option::None,)*
                    $extra: $crate::object::Extra::new(),
                }
            }
        }
        $crate::impl_structure_serde!($ty);
    };
}
