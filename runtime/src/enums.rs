//! Enumeration types: evolvable members ([`EnumMember`]) and flags sets ([`Flags`]).
//!
//! OData services add enumeration members over time (Microsoft Graph even declares an
//! `unknownFutureValue` member for it), so a generated enum has one variant per member plus
//! `Other(String)`, and reading never fails on a member the schema did not list. A generated
//! enum looks like this:
//!
//! ```
//! use odata_runtime::enums::{self, EnumMember, Flags};
//! use odata_runtime::serde::{Deserialize, Deserializer, Serialize, Serializer};
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
//!     fn as_str(&self) -> &str {
//!         match self {
//!             Self::Audio => "audio",
//!             Self::Video => "video",
//!             Self::Other(s) => s,
//!         }
//!     }
//!     fn from_wire(s: &str) -> Self {
//!         match s {
//!             "audio" => Self::Audio,
//!             "video" => Self::Video,
//!             other => Self::Other(other.to_owned()),
//!         }
//!     }
//! }
//!
//! impl Serialize for Modality {
//!     fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         enums::serialize_enum(self, s)
//!     }
//! }
//! impl<'de> Deserialize<'de> for Modality {
//!     fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         enums::deserialize_enum(d)
//!     }
//! }
//! odata_runtime::impl_edm_via_serde!(Modality);
//!
//! let m: Vec<Modality> = serde_json::from_str(r#"["audio","screenSharing"]"#).unwrap();
//! assert_eq!(m, [Modality::Audio, Modality::Other("screenSharing".into())]);
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
pub trait EnumMember: Sized + Clone {
    /// The member name as written on the wire.
    fn as_str(&self) -> &str;

    /// The member named `s`; never fails: an unknown name becomes the `Other` variant.
    fn from_wire(s: &str) -> Self;
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
