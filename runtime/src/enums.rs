//! Enumeration types: evolvable members ([`EnumMember`]) and flags sets ([`Flags`]).
//!
//! OData services add enumeration members over time (Microsoft Graph even declares an
//! `unknownFutureValue` member for it), so a generated enum has one variant per member plus
//! `Other(String)`, and reading never fails on a member the schema did not list. A generated
//! enum is its variants, a table of wire names and one `match` from variant to index; the rest
//! (lookup by name, serde, `Display`, `FromStr`) is [`impl_enum!`](crate::impl_enum), written
//! once here:
//!
//! ```
//! use odata_runtime::enums::{EnumMember, Flags};
//!
//! #[derive(Debug, Clone, PartialEq, Eq, Hash)]
//! pub enum Modality {
//!     Audio,
//!     Video,
//!     /// A member this crate does not know, as received.
//!     Other(String),
//! }
//!
//! impl EnumMember for Modality {
//!     const MEMBERS: &'static [(&'static str, Self)] = &[("audio", Self::Audio), ("video", Self::Video)];
//!     const BY_NAME: &'static [u32] = &[0, 1];
//!     fn index(&self) -> Result<usize, &str> {
//!         Ok(match self {
//!             Self::Audio => 0,
//!             Self::Video => 1,
//!             Self::Other(s) => return Err(s),
//!         })
//!     }
//!     fn other(name: String) -> Self {
//!         Self::Other(name)
//!     }
//! }
//! odata_runtime::__private::impl_enum!(Modality);
//!
//! let m: Vec<Modality> = serde_json::from_str(r#"["audio","screenSharing"]"#).unwrap();
//! assert_eq!(m, [Modality::Audio, Modality::Other("screenSharing".into())]);
//! assert_eq!(Modality::Video.as_str(), "video");
//! assert_eq!("audio".parse::<Modality>(), Ok(Modality::Audio));
//! let f: Flags<Modality> = serde_json::from_str(r#""video, audio""#).unwrap();
//! assert!(f.contains(&Modality::Audio));
//! assert_eq!(serde_json::to_string(&f).unwrap(), r#""video,audio""#);
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::wire::Edm;

/// Implemented by generated enums: every member is a variant, plus `Other(String)` for
/// values the schema does not know.
pub trait EnumMember: Sized + Clone + 'static {
    /// Every member the schema declares with its wire name, in schema order.
    const MEMBERS: &'static [(&'static str, Self)];

    /// The indices of [`MEMBERS`](EnumMember::MEMBERS) ordered by the length of the wire name,
    /// then by its bytes ([`by_length_then_bytes`](crate::object::by_length_then_bytes)), so a
    /// name is found by binary search.
    const BY_NAME: &'static [u32];

    /// This member's index in [`MEMBERS`](EnumMember::MEMBERS), or the name the fallback
    /// variant holds.
    fn index(&self) -> Result<usize, &str>;

    /// The fallback variant holding `name`, a name the schema does not declare.
    fn other(name: String) -> Self;

    /// The member name as written on the wire.
    fn as_str(&self) -> &str {
        match self.index() {
            Ok(i) => Self::MEMBERS.get(i).map_or("", |m| m.0),
            Err(name) => name,
        }
    }

    /// The member named `s`; never fails: an unknown name becomes the fallback variant.
    fn from_wire(s: &str) -> Self {
        let members = Self::MEMBERS;
        let member = |i: u32| usize::try_from(i).ok().and_then(|i| members.get(i));
        let name = |i: u32| member(i).map_or("", |m| m.0);
        let found = Self::BY_NAME
            .binary_search_by(|&i| crate::object::by_length_then_bytes(name(i), s))
            .ok()
            .and_then(|at| Self::BY_NAME.get(at))
            .and_then(|&i| member(i));
        match found {
            Some((_, member)) => member.clone(),
            None => Self::other(s.to_owned()),
        }
    }
}

#[doc(hidden)]
/// Serializes an enumeration member as its name (a JSON string).
pub fn serialize_enum<S: Serializer, E: EnumMember>(e: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(e.as_str())
}

struct EnumVisitor<E>(PhantomData<E>);

impl<E: EnumMember> Visitor<'_> for EnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an enumeration member name as a JSON string")
    }

    fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
        Ok(E::from_wire(v))
    }
}

#[doc(hidden)]
/// Deserializes an enumeration member from its name (a JSON string, borrowed or owned).
/// Unknown names give the `Other` variant; a non-string is an error.
pub fn deserialize_enum<'de, D: Deserializer<'de>, E: EnumMember>(d: D) -> Result<E, D::Error> {
    d.deserialize_str(EnumVisitor(PhantomData))
}

/// The value of a flags enumeration (`IsFlags="true"`): a set of members.
///
/// On the wire it is one string of comma-separated member names (`"audio,video"`); spaces
/// around names are tolerated on input, and the empty string is the empty set. Members keep
/// the order in which they were received or inserted, and are written in that order; a
/// repeated member is kept once. Unknown members are kept through [`EnumMember::from_wire`].
/// It is a set: no member appears twice (the field is private, so only [`Flags::insert`] and
/// the constructors add members), and membership ([`Flags::contains`]), `==` and `Hash`
/// compare member names regardless of order.
#[derive(Debug, Clone)]
pub struct Flags<E>(Vec<E>);

impl<E: EnumMember> PartialEq for Flags<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|m| other.contains(m))
    }
}

impl<E: EnumMember> Eq for Flags<E> {}

impl<E: EnumMember> std::hash::Hash for Flags<E> {
    /// Hashes the member names in sorted order, so equal sets hash alike.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut names: Vec<&str> = self.0.iter().map(EnumMember::as_str).collect();
        names.sort_unstable();
        names.hash(state);
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Flags(Vec::new())
    }
}

impl<E: EnumMember> Flags<E> {
    /// The empty set.
    pub fn new() -> Self {
        Flags(Vec::new())
    }

    /// Parses the wire form: comma-separated member names.
    pub fn parse(s: &str) -> Self {
        s.split(',').map(str::trim).filter(|name| !name.is_empty()).map(E::from_wire).collect()
    }

    /// Whether `member` is in the set.
    pub fn contains(&self, member: &E) -> bool {
        self.0.iter().any(|m| m.as_str() == member.as_str())
    }

    /// Adds `member` at the end unless present; returns whether it was added.
    pub fn insert(&mut self, member: E) -> bool {
        let added = !self.contains(&member);
        if added {
            self.0.push(member);
        }
        added
    }

    /// Removes `member`; returns whether it was present.
    pub fn remove(&mut self, member: &E) -> bool {
        let before = self.0.len();
        self.0.retain(|m| m.as_str() != member.as_str());
        self.0.len() != before
    }

    /// The members, in the order they were received or inserted.
    pub fn as_slice(&self) -> &[E] {
        &self.0
    }

    /// The members, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.0.iter()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<E: EnumMember> FromIterator<E> for Flags<E> {
    /// Collects members, keeping the first of any repeated member.
    fn from_iter<I: IntoIterator<Item = E>>(iter: I) -> Self {
        let mut flags = Flags::new();
        for member in iter {
            flags.insert(member);
        }
        flags
    }
}

impl<E> IntoIterator for Flags<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, E> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<E: EnumMember> fmt::Display for Flags<E> {
    /// The wire form: member names joined by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, member) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(member.as_str())?;
        }
        Ok(())
    }
}

impl<E: EnumMember> Serialize for Flags<E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [single] => s.serialize_str(single.as_str()),
            _ => s.collect_str(self),
        }
    }
}

struct FlagsVisitor<E>(PhantomData<E>);

impl<E: EnumMember> Visitor<'_> for FlagsVisitor<E> {
    type Value = Flags<E>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON string of comma-separated enumeration member names")
    }

    fn visit_str<Er: de::Error>(self, v: &str) -> Result<Flags<E>, Er> {
        Ok(Flags::parse(v))
    }
}

impl<'de, E: EnumMember> Deserialize<'de> for Flags<E> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(FlagsVisitor(PhantomData))
    }
}

impl<E: EnumMember> Edm for Flags<E> {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

#[doc(hidden)]
/// Implements [`EnumMember`](crate::enums::EnumMember) for a generated enum from the list of
/// its members (each one's index, variant and wire name), its fallback variant and
/// [`EnumMember::BY_NAME`](crate::enums::EnumMember::BY_NAME); then, through
/// [`impl_enum!`](crate::impl_enum), its inherent `as_str` and `from_wire`, `FromStr`,
/// `Display`, serde and [`Edm`](crate::wire::Edm).
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum Modality {
///     Audio,
///     Video,
///     Other(String),
/// }
/// odata_runtime::__private::enum_members!(Modality, Other, [0 Audio "audio", 1 Video "video"], [0, 1]);
///
/// assert_eq!(Modality::from_wire("video"), Modality::Video);
/// assert_eq!(Modality::Other("x".into()).to_string(), "x");
/// ```
#[macro_export]
macro_rules! enum_members {
    (
        $ty:ident, $other:ident,
        [$($index:literal $variant:ident $wire:literal),* $(,)?],
        [$($by:literal),* $(,)?] $(,)?
    ) => {
        const _: () = ::core::assert!(
            $crate::object::is_by_name_table(&[$($wire),*], &[$($by),*]),
            "a BY_NAME table is not every member once in the runtime's order (by_length_then_bytes)"
        );
        impl $crate::enums::EnumMember for $ty {
            const MEMBERS: &'static [(&'static str, Self)] = &[$(($wire, $ty::$variant)),*];
            const BY_NAME: &'static [u32] = &[$($by),*];

            fn index(&self) -> ::core::result::Result<usize, &str> {
                ::core::result::Result::Ok(match self {
                    $($ty::$variant => $index,)*
                    $ty::$other(name) => return ::core::result::Result::Err(name),
                })
            }

            fn other(name: ::std::string::String) -> Self {
                $ty::$other(name)
            }
        }
        $crate::impl_enum!($ty);
    };
}

#[doc(hidden)]
/// Implements, for generated enums that implement [`EnumMember`](crate::enums::EnumMember):
/// inherent `as_str` and `from_wire`, `FromStr` (never fails), `Display` (the wire name),
/// serde (a JSON string) and [`Edm`](crate::wire::Edm). Several types may be listed,
/// separated by commas.
#[macro_export]
macro_rules! impl_enum {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $ty {
                /// The wire name.
                pub fn as_str(&self) -> &str {
                    $crate::enums::EnumMember::as_str(self)
                }

                /// The member with this wire name; an unknown name gives the fallback variant.
                pub fn from_wire(s: &str) -> Self {
                    $crate::enums::EnumMember::from_wire(s)
                }
            }
            impl ::core::str::FromStr for $ty {
                type Err = ::core::convert::Infallible;
                fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                    ::core::result::Result::Ok($crate::enums::EnumMember::from_wire(s))
                }
            }
            impl ::core::fmt::Display for $ty {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str($crate::enums::EnumMember::as_str(self))
                }
            }
            impl $crate::serde::Serialize for $ty {
                fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    $crate::enums::serialize_enum(self, s)
                }
            }
            impl<'de> $crate::serde::Deserialize<'de> for $ty {
                fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    $crate::enums::deserialize_enum(d)
                }
            }
            $crate::impl_edm_via_serde!($ty);
        )+
    };
}
