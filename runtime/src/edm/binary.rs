//! Edm.Binary: bytes carried as base64url text on the wire.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use super::ParseError;

/// Writes base64url (RFC 4648 §5) with `=` padding, as the OData ABNF `binaryValue` allows.
const ENCODER: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, GeneralPurposeConfig::new());

/// Reads base64url with or without padding, tolerating set bits in the unused tail.
const DECODER: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// An Edm.Binary value.
///
/// OData JSON carries binary data as base64url text (RFC 4648 §5, the alphabet with `-` and
/// `_`). Reading accepts base64url and standard base64 (`+`, `/`, as some services send it),
/// with or without `=` padding; writing produces padded base64url.
///
/// ```
/// use odata_runtime::edm::Binary;
///
/// let b: Binary = "_-8=".parse().unwrap();
/// assert_eq!(&*b, &[0xff, 0xef]);
/// assert_eq!("/+8".parse::<Binary>().unwrap(), b);
/// assert_eq!(b.to_string(), "_-8=");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// Decodes base64url or standard base64, padded or not.
    pub fn parse(s: &str) -> Result<Binary, ParseError> {
        let normalized: Vec<u8> = s
            .bytes()
            .map(|b| match b {
                b'+' => b'-',
                b'/' => b'_',
                other => other,
            })
            .collect();
        DECODER.decode(normalized).map(Binary).map_err(|e| ParseError::new("Edm.Binary", s, e.to_string()))
    }

    /// Encodes as padded base64url.
    pub fn encode(&self) -> String {
        ENCODER.encode(&self.0)
    }

    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl DerefMut for Binary {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Binary {
        Binary(v)
    }
}

impl From<&[u8]> for Binary {
    fn from(v: &[u8]) -> Binary {
        Binary(v.to_vec())
    }
}

impl From<Binary> for Vec<u8> {
    fn from(b: Binary) -> Vec<u8> {
        b.0
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl FromStr for Binary {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Binary, ParseError> {
        Binary::parse(s)
    }
}

impl fmt::Display for Binary {
    /// Padded base64url.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

struct BinaryVisitor;

impl Visitor<'_> for BinaryVisitor {
    type Value = Binary;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Edm.Binary base64url string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Binary, E> {
        Binary::parse(v).map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Binary, E> {
        Ok(Binary(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Binary, E> {
        Ok(Binary(v))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(BinaryVisitor)
    }
}

crate::impl_edm_via_serde!(Binary);
