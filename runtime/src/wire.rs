//! The [`Edm`] trait: how one property value is read from and written to the OData JSON wire.
//!
//! Generated structs hold plain Rust types (`i64`, `f64`, `String`, `Vec<T>`, `Box<T>`, ...).
//! Their serde impls never call `Deserialize`/`Serialize` on those types directly; they go
//! through [`Edm`], which knows the OData JSON conventions that plain serde does not:
//!
//! | Rust type | reads | writes |
//! | --- | --- | --- |
//! | `i64` | a JSON integer, or a string holding one (`"123"`, as sent with `IEEE754Compatible=true`) | a number |
//! | `f32`, `f64` | a number, or `"NaN"`, `"INF"`, `"-INF"`, `"Infinity"`, `"-Infinity"` or a numeric string | finite values as numbers, the others as `"NaN"`, `"INF"`, `"-INF"` |
//! | [`Decimal`](crate::edm::Decimal) | a number (its exact text, never through `f64`) or a numeric string | a number with the exact decimal text |
//! | `Option<T>` | `null` as `None` | `None` as `null` |
//! | `Vec<T>` | an array of `T` | an array |
//! | `String`, `bool`, `u8`, `i8`, `i16`, `i32`, [`serde_json::Value`] | plain serde | plain serde |
//!
//! Types of generated code (structures, enumerations) implement serde themselves and get their
//! [`Edm`] impl from [`impl_edm_via_serde!`](crate::impl_edm_via_serde).
//!
//! ```
//! use odata_runtime::wire::{In, Out};
//!
//! let v: In<Vec<i64>> = serde_json::from_str(r#"[1, "2", -3]"#).unwrap();
//! assert_eq!(v.0, vec![1, 2, -3]);
//! assert_eq!(serde_json::to_string(&Out(&vec![f64::NAN, 1.5])).unwrap(), r#"["NaN",1.5]"#);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Unexpected, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// How a value of an Edm type is read from and written to OData JSON.
///
/// Implemented here for the Rust types generated structs use, and by generated types through
/// [`impl_edm_via_serde!`](crate::impl_edm_via_serde). Use [`In`] and [`Out`] to plug an
/// `Edm` type into serde APIs (`MapAccess::next_value`, `SerializeMap::serialize_entry`, ...).
pub trait Edm: Sized {
    /// Reads a value.
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// Writes a value.
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// Deserialization adapter: `map.next_value::<In<T>>()?.0` reads a `T` through [`Edm::de`].
#[derive(Debug, Clone, PartialEq)]
pub struct In<T>(pub T);

impl<'de, T: Edm> Deserialize<'de> for In<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::de(d).map(In)
    }
}

/// Serialization adapter: `map.serialize_value(&Out(&value))` writes `value` through [`Edm::ser`].
#[derive(Debug)]
pub struct Out<'a, T>(pub &'a T);

impl<T: Edm> Serialize for Out<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.ser(s)
    }
}

/// Implements [`Edm`](crate::wire::Edm) for types that implement serde's `Serialize` and
/// `Deserialize` themselves, by delegating to those impls.
///
/// Generated code writes `odata_runtime::impl_edm_via_serde!(Session);` after the serde impls
/// of each structure and enumeration. Several types may be listed, separated by commas.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct Celsius(f64);
/// odata_runtime::impl_edm_via_serde!(Celsius);
///
/// let v: odata_runtime::In<Celsius> = serde_json::from_str("21.5").unwrap();
/// assert_eq!(v.0, Celsius(21.5));
/// ```
#[macro_export]
macro_rules! impl_edm_via_serde {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::wire::Edm for $ty {
                #[inline]
                fn de<'de, D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    <$ty as $crate::serde::Deserialize<'de>>::deserialize(d)
                }
                #[inline]
                fn ser<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    <$ty as $crate::serde::Serialize>::serialize(self, s)
                }
            }
        )+
    };
}

crate::impl_edm_via_serde!(String, bool, u8, i8, i16, i32, serde_json::Value);

/// The newtype-struct name through which serde_json hands out the raw text of a value
/// (see `serde_json::value::RawValue`); requires serde_json's `raw_value` feature.
pub(crate) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

// ---------------------------------------------------------------------------------------------
// Int64

struct I64Visitor;

impl Visitor<'_> for I64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Edm.Int64: a JSON integer or a string holding an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Other("an integer out of range"), &self))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Other("an integer out of range"), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Accept only floats that are exactly integers inside the i64 range (e.g. `1e3`).
        const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse::<i64>().map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

impl Edm for i64 {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(I64Visitor)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*self)
    }
}

// ---------------------------------------------------------------------------------------------
// Single and Double

/// Parses the string forms of an Edm.Single/Edm.Double.
fn parse_float_str(v: &str) -> Option<f64> {
    match v {
        "NaN" => Some(f64::NAN),
        "INF" | "Infinity" | "+INF" | "+Infinity" => Some(f64::INFINITY),
        "-INF" | "-Infinity" => Some(f64::NEG_INFINITY),
        _ => v.parse::<f64>().ok(),
    }
}

/// The OData JSON string for a non-finite value.
fn non_finite_name(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "INF"
    } else {
        "-INF"
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Edm.Double or Edm.Single: a JSON number or one of \"NaN\", \"INF\", \"-INF\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        parse_float_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

impl Edm for f64 {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            s.serialize_f64(*self)
        } else {
            s.serialize_str(non_finite_name(*self))
        }
    }
}

impl Edm for f32 {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor).map(|v| v as f32)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            s.serialize_f32(*self)
        } else {
            s.serialize_str(non_finite_name(f64::from(*self)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Edm> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::de(d).map(Some)
    }
}

impl<T: Edm> Edm for Option<T> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&Out(v)),
            None => s.serialize_none(),
        }
    }
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Edm> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // The hint comes from the input: cap it so a lying hint cannot allocate much.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(In(item)) = seq.next_element::<In<T>>()? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<T: Edm> Edm for Vec<T> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(VecVisitor(PhantomData))
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&Out(item))?;
        }
        seq.end()
    }
}

impl<T: Edm> Edm for Box<T> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::de(d).map(Box::new)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).ser(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Crate-internal helpers

/// A map key or string read without copying when the deserializer can lend it.
pub(crate) struct KeyCow<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyCow<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyCow<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyCow(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A visitor for values whose wire form is a JSON string parsed by `parse`.
pub(crate) struct ParsedStrVisitor<T, E> {
    pub(crate) expecting: &'static str,
    pub(crate) parse: fn(&str) -> Result<T, E>,
}

impl<T, PE: fmt::Display> Visitor<'_> for ParsedStrVisitor<T, PE> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// Reads a JSON string and parses it with `parse`; `expecting` names the expected form.
pub(crate) fn deserialize_parsed<'de, D: Deserializer<'de>, T, PE: fmt::Display>(
    d: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, PE>,
) -> Result<T, D::Error> {
    d.deserialize_str(ParsedStrVisitor { expecting, parse })
}
